package store

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"guichet/internal/pgtest"
)

// BenchmarkPostgresAckPath is the sender's database work for groups of 64
// acknowledgments queued by the pipeline: claim, acknowledgment sources,
// the composed messages stored and linked in transactions of 1 to 64
// (ComposedPerTx), the deliveries recorded in groups of as many. Run it with a fixed count
// (-benchtime=100x): the acknowledgments are queued before the timer
// starts. It reports per acknowledgment the wall time, the CPU time of the
// one PostgreSQL backend serving it (in all, and by phase), and the
// statements PostgreSQL ran (pg_stat_statements, when the server loads
// it).
func BenchmarkPostgresAckPath(b *testing.B) {
	for _, perTx := range []int{1, 4, 8, 16, 64} {
		b.Run(fmt.Sprintf("tx%d", perTx), func(b *testing.B) { benchAckPath(b, perTx) })
	}
}

func benchAckPath(b *testing.B, perTx int) {
	const group = 64
	ctx := context.Background()
	st, err := Open(ctx, Options{DatabaseURL: pgtest.URL(b), MaxConns: 1})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(st.Close)
	p := st.(*pgStore)
	tickets := benchAckTickets(b, p, group)
	now := time.Now()
	var queued []*Outbound
	for i := range b.N * group {
		queued = append(queued, &Outbound{TicketID: tickets[i%group], MailFrom: "support@example.org",
			To: []string{fmt.Sprintf("r%d@example.org", i%500)}, Subject: "[Ticket#1] Accusé de réception",
			MessageID: fmt.Sprintf("<ack-%d@example.org>", i), CreatedAt: now})
	}
	for len(queued) > 0 {
		n := min(1024, len(queued))
		if err := st.InTx(ctx, func(ctx context.Context, tx Tx) error { return tx.QueueAcks(ctx, queued[:n], Hold{}) }); err != nil {
			b.Fatal(err)
		}
		queued = queued[n:]
	}
	raw := bytes.Repeat([]byte("Bonjour, nous avons bien reçu votre demande.\r\n"), 64) // ~3 KB
	var pid int
	if err := p.pool.QueryRow(ctx, `SELECT pg_backend_pid()`).Scan(&pid); err != nil {
		b.Fatal(err)
	}
	statements := benchStatementsReset(b, p)
	// The backend's CPU time in each phase: claim, sources, compose, sent.
	var cpu [4]time.Duration
	phase := func(k int, since time.Duration) time.Duration {
		now := backendCPU(b, pid)
		cpu[k] += now - since
		return now
	}
	b.ResetTimer()
	for i := range b.N {
		mark := backendCPU(b, pid)
		claimed, err := st.ClaimOutboundFor(ctx, "bench", now.Add(time.Second), group, time.Minute)
		if err != nil || len(claimed) != group {
			b.Fatalf("claimed %d (%v), want %d", len(claimed), err, group)
		}
		ids := make([]int64, len(claimed))
		for k, o := range claimed {
			ids[k] = o.ID
		}
		mark = phase(0, mark)
		if _, err := st.AckSources(ctx, ids); err != nil {
			b.Fatal(err)
		}
		mark = phase(1, mark)
		for k := 0; k < group; k += perTx {
			msgs := make([]*Message, perTx)
			for j := range msgs {
				o := claimed[k+j]
				msgs[j] = &Message{TicketID: o.TicketID, Direction: DirOut, Kind: KindAck,
					From: "support@example.org", FromName: "Centre d'assistance", To: o.To,
					Subject: o.Subject, MessageID: o.MessageID, InReplyTo: "<first@example.org>",
					References: []string{"<first@example.org>"}, Date: now, Text: "Bonjour", Raw: raw,
					Envelope:  Envelope{Transport: "relay", MailFrom: "support@example.org", RcptTo: o.To},
					DedupeKey: o.MessageID, CreatedAt: now}
			}
			err := st.InTx(ctx, func(ctx context.Context, tx Tx) error {
				return tx.InsertComposed(ctx, msgs, ids[k:k+perTx])
			})
			if err != nil {
				b.Fatalf("round %d: %v", i, err)
			}
		}
		mark = phase(2, mark)
		for k := 0; k < group; k += perTx {
			sent := make([]Sent, perTx)
			for j := range sent {
				sent[j] = Sent{ID: ids[k+j], At: now}
			}
			if err := st.MarkSent(ctx, sent...); err != nil {
				b.Fatal(err)
			}
		}
		phase(3, mark)
	}
	b.StopTimer()
	acks := float64(b.N * group)
	b.ReportMetric(float64(b.Elapsed().Microseconds())/acks, "µs/ack")
	for k, name := range []string{"claim", "sources", "compose", "sent"} {
		b.ReportMetric(float64(cpu[k].Nanoseconds())/1000/acks, "pg-µs-"+name+"/ack")
	}
	b.ReportMetric(float64((cpu[0]+cpu[1]+cpu[2]+cpu[3]).Nanoseconds())/1000/acks, "pg-cpu-µs/ack")
	b.ReportMetric(0, "ns/op")
	if statements != nil {
		statements(acks)
	}
}

// benchAckTickets creates n tickets, each with its first incoming message.
func benchAckTickets(b *testing.B, p *pgStore, n int) []int64 {
	b.Helper()
	var ids []int64
	err := p.InTx(context.Background(), func(ctx context.Context, tx Tx) error {
		for i := range n {
			mid, err := tx.InsertMessage(ctx, &Message{Direction: DirIn, Kind: KindRequest, From: "a@example.org",
				Subject: "Plateforme inaccessible", MessageID: fmt.Sprintf("<first-%d@example.org>", i),
				Raw: []byte("Subject: x\r\n\r\nx\r\n"), DedupeKey: fmt.Sprintf("first-%d", i)})
			if err != nil {
				return err
			}
			ts, err := tx.CreateTickets(ctx, []NewTicket{{Subject: "Plateforme inaccessible", Requester: "a@example.org",
				MessageRowID: mid, MessageKind: KindRequest}})
			if err != nil {
				return err
			}
			ids = append(ids, ts[0].ID)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return ids
}

// backendCPU is the time PostgreSQL backend pid has run on a CPU
// (Linux schedstat, in nanoseconds).
func backendCPU(b *testing.B, pid int) time.Duration {
	b.Helper()
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/schedstat", pid))
	if err != nil {
		return 0
	}
	n, err := strconv.ParseInt(strings.Fields(string(stat))[0], 10, 64)
	if err != nil {
		b.Fatal(err)
	}
	return time.Duration(n)
}

// benchStatementsReset clears this database's pg_stat_statements and
// returns what reports them per acknowledgment; nil when the server does
// not load the extension.
func benchStatementsReset(b *testing.B, p *pgStore) func(acks float64) {
	b.Helper()
	ctx := context.Background()
	if _, err := p.pool.Exec(ctx, `CREATE EXTENSION IF NOT EXISTS pg_stat_statements`); err != nil {
		b.Logf("no pg_stat_statements: %v", err)
		return nil
	}
	const db = `(SELECT oid FROM pg_database WHERE datname = current_database())`
	// Planning too: statements planned at every call pay it each time.
	if _, err := p.pool.Exec(ctx, `SET pg_stat_statements.track_planning = on`); err != nil {
		b.Logf("no planning times: %v", err)
	}
	if _, err := p.pool.Exec(ctx, `SELECT pg_stat_statements_reset(0, `+db+`, 0)`); err != nil {
		b.Logf("no pg_stat_statements: %v", err)
		return nil
	}
	return func(acks float64) {
		rs, err := p.pool.Query(ctx, `
SELECT calls, mean_exec_time, mean_plan_time, left(regexp_replace(query, '\s+', ' ', 'g'), 70) FROM pg_stat_statements
WHERE dbid = `+db+` AND query NOT LIKE '%pg_stat_statements%'
ORDER BY calls * (mean_exec_time + mean_plan_time) DESC`)
		if err != nil {
			b.Fatal(err)
		}
		defer rs.Close()
		var total float64
		var lines []string
		for rs.Next() {
			var calls int64
			var mean, plan float64
			var q string
			if err := rs.Scan(&calls, &mean, &plan, &q); err != nil {
				b.Fatal(err)
			}
			total += float64(calls)
			lines = append(lines, fmt.Sprintf("%6.3f calls/ack %7.1f µs exec %7.1f µs plan  %s", float64(calls)/acks, mean*1000, plan*1000, q))
		}
		if err := rs.Err(); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(total/acks, "stmts/ack")
		b.Logf("statements per acknowledgment:\n%s", strings.Join(lines, "\n"))
	}
}
