package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

// TestSQLiteRolledBackWriterBesideIngest: guichet serve's writer rolls back
// a transaction large enough to spill pages into the WAL, another process
// sharing the database (guichet ingest) commits, and serve's writer goes
// on. What ingest committed must stay intact.
func TestSQLiteRolledBackWriterBesideIngest(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	serve := openSQLiteStore(t, dir)
	ingest := openSQLiteStore(t, dir)
	insertRequests(t, serve, 8, 8)
	// What the checkpointer does every interval: the WAL wholly copied,
	// the next transaction starts it over.
	if _, _, err := walCheckpoint(ctx, serve.ckpt.db, "PASSIVE"); err != nil {
		t.Fatal(err)
	}

	raw := bytes.Repeat([]byte("Une pièce jointe assez longue. "), 200)
	errAbandon := errors.New("abandoned")
	err := serve.InTx(ctx, func(ctx context.Context, tx Tx) error {
		for j := range 800 { // some 5 MB: more than the page cache holds
			key := fmt.Sprintf("<big-%d@example.org>", j)
			if _, err := tx.InsertMessage(ctx, &Message{Direction: DirIn, Kind: KindRequest,
				From: "awa.diop@example.org", To: []string{"support@example.org"}, Subject: "Demande",
				MessageID: key, DedupeKey: key, Date: time.Now(), Text: "Bonjour", Raw: raw}); err != nil {
				return err
			}
		}
		return errAbandon
	})
	if !errors.Is(err, errAbandon) {
		t.Fatal(err)
	}

	insertRequests(t, ingest, 1200, 100)
	pragmaInt(t, serve.w, "data_version") // serve's writer goes on
	var ok string
	if err := ingest.r.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("integrity_check after serve's writer went on: %.300q, %v", ok, err)
	}
}
