package store_test

import (
	"testing"

	"guichet/store/storetest"
)

func TestJobsSQLite(t *testing.T)   { storetest.RunJobs(t, opener(sqliteOptions)) }
func TestJobsPostgres(t *testing.T) { storetest.RunJobs(t, opener(pgOptions)) }
