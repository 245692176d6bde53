package store_test

import (
	"testing"

	"guichet/store/storetest"
)

func TestWebSQLite(t *testing.T) { storetest.RunWeb(t, opener(sqliteOptions)) }

func TestWebPostgres(t *testing.T) { storetest.RunWeb(t, opener(pgOptions)) }
