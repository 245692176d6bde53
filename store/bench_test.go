package store_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"runtime"
	"syscall"
	"testing"
	"time"

	"guichet/internal/pgtest"
	"guichet/internal/testdb"
	"guichet/store"
)

// ingestFn is the pipeline's database work for one new request: the
// message with a small attachment, a ticket, the message attached, an
// acknowledgment queued.
func ingestFn(i int, raw, att []byte) store.TxFunc {
	return func(ctx context.Context, tx store.Tx) error {
		key := fmt.Sprintf("<bench-%d-%d@example.org>", time.Now().UnixNano(), i)
		m := store.Message{
			Direction: store.DirIn, Kind: store.KindRequest, From: "awa.diop@example.org",
			To: []string{"support@example.org"}, Subject: "Plateforme inaccessible", MessageID: key,
			Date: time.Now(), Text: "Bonjour, la plateforme est inaccessible.", Raw: raw, DedupeKey: key,
			Attachments: []store.Attachment{{Filename: "capture.png", ContentType: "image/png", Data: att}},
		}
		id, err := tx.InsertMessage(ctx, &m)
		if err != nil {
			return err
		}
		tk, err := testdb.CreateTicket(ctx, tx, store.NewTicket{Subject: "Plateforme inaccessible", Requester: "awa.diop@example.org"})
		if err != nil {
			return err
		}
		if err := tx.AttachMessage(ctx, id, tk.ID, store.KindRequest); err != nil {
			return err
		}
		_, err = tx.Enqueue(ctx, &store.Outbound{TicketID: tk.ID, To: []string{"awa.diop@example.org"}, Raw: raw[:1024]})
		return err
	}
}

func benchStores(b *testing.B) map[string]func(b *testing.B) store.Store {
	open := func(b *testing.B, o store.Options) store.Store {
		s, err := store.Open(context.Background(), o)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(s.Close)
		return s
	}
	return map[string]func(b *testing.B) store.Store{
		"sqlite":   func(b *testing.B) store.Store { return open(b, store.Options{DataDir: b.TempDir()}) },
		"postgres": func(b *testing.B) store.Store { return open(b, store.Options{DatabaseURL: pgtest.URL(b)}) },
	}
}

// BenchmarkIngest reports ns per message (insert + ticket + attach +
// enqueue), one transaction each ("alone") or 32 per transaction
// ("batch32", the SMTP receiver's group commit).
func BenchmarkIngest(b *testing.B) {
	raw := bytes.Repeat([]byte("Bonjour, voici ma demande. "), 190) // ~5 KB
	for name, open := range benchStores(b) {
		b.Run(name+"/alone", func(b *testing.B) {
			s := open(b)
			ctx := context.Background()
			i := 0
			for b.Loop() {
				i++
				if err := s.InTx(ctx, ingestFn(i, raw, []byte(fmt.Sprint("att", i%8)))); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/batch32", func(b *testing.B) {
			s := open(b)
			ctx := context.Background()
			fns := make([]store.TxFunc, 0, 32)
			flush := func() {
				commitBatch(ctx, b, s, fns)
				fns = fns[:0]
			}
			i := 0
			for b.Loop() {
				i++
				fns = append(fns, ingestFn(i, raw, []byte(fmt.Sprint("att", i%8))))
				if len(fns) == 32 {
					flush()
				}
			}
			if len(fns) > 0 {
				flush()
			}
		})
	}
}

// commitBatch commits fns in one transaction, failing b on any error.
func commitBatch(ctx context.Context, b *testing.B, s store.Store, fns []store.TxFunc) {
	b.Helper()
	errs, err := s.InTxBatchFinish(ctx, fns, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	for _, e := range errs {
		if e != nil {
			b.Fatal(e)
		}
	}
}

// BenchmarkCommitSQLite drives the embedded store as the ingest committer
// does under load: back-to-back group commits of 12 requests of ~5.6 KB
// with a small attachment, on a file. It reports the rate the serial
// committer reaches, the process's CPU per message (the WAL's checkpoints
// included wherever they run) and the committer's own: the CPU of the one
// thread that runs the batches, the serial path every acknowledgment
// waits on.
func BenchmarkCommitSQLite(b *testing.B) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	raw := bytes.Repeat([]byte("Bonjour, voici ma demande. "), 210) // ~5.6 KB
	dir := b.TempDir()
	ctx := context.Background()
	s, err := store.Open(ctx, store.Options{DataDir: dir})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	var walMax int64
	const size = 12
	fns := make([]store.TxFunc, 0, size)
	flush := func() {
		commitBatch(ctx, b, s, fns)
		fns = fns[:0]
		if fi, err := os.Stat(store.SQLitePath(dir) + "-wal"); err == nil {
			walMax = max(walMax, fi.Size())
		}
	}
	cpu0, serial0 := processCPU(b), threadCPU(b)
	start := time.Now()
	i := 0
	for b.Loop() {
		i++
		fns = append(fns, ingestFn(i, raw, []byte(fmt.Sprint("attachment", i%8))))
		if len(fns) == size {
			flush()
		}
	}
	if len(fns) > 0 {
		flush()
	}
	elapsed := time.Since(start)
	cpu, serial := processCPU(b)-cpu0, threadCPU(b)-serial0
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "msg/s")
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/msg")
	b.ReportMetric(float64(serial.Microseconds())/float64(b.N), "committer-µs/msg")
	b.ReportMetric(float64(walMax)/(1<<20), "wal-max-MB")
}

// processCPU is the user and system time this process has used.
func processCPU(b *testing.B) time.Duration {
	b.Helper()
	return rusage(b, syscall.RUSAGE_SELF)
}

// threadCPU is the user and system time of the calling thread (Linux's
// RUSAGE_THREAD), which the caller has locked.
func threadCPU(b *testing.B) time.Duration {
	b.Helper()
	const rusageThread = 1
	return rusage(b, rusageThread)
}

func rusage(b *testing.B, who int) time.Duration {
	b.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(who, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
