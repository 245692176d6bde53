package imappoll

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"guichet/internal/dovecot"
	"guichet/store"
)

const box = "support"

func startDovecot(t *testing.T) *dovecot.Server {
	t.Helper()
	return dovecot.Start(t, map[string]string{box: "secret", "other": "secret"})
}

func TestDeliversThenSettles(t *testing.T) {
	cases := []struct {
		name  string
		after string
		check func(t *testing.T, s *dovecot.Server)
	}{
		{"seen", "", func(t *testing.T, s *dovecot.Server) {
			msgs := s.Messages(t, box, "INBOX")
			if len(msgs) != 4 {
				t.Fatalf("INBOX has %d messages, want 4", len(msgs))
			}
			for _, m := range msgs {
				if !m.Seen() || m.Deleted() {
					t.Errorf("UID %d flags = %v, want \\Seen only", m.UID, m.Flags)
				}
			}
		}},
		{"move", "move:Traité", func(t *testing.T, s *dovecot.Server) {
			if msgs := s.Messages(t, box, "INBOX"); len(msgs) != 0 {
				t.Errorf("INBOX has %d messages, want 0", len(msgs))
			}
			moved := s.Messages(t, box, "Traité")
			if len(moved) != 4 {
				t.Fatalf("Traité has %d messages, want 4", len(moved))
			}
			for _, m := range moved {
				if !m.Seen() {
					t.Errorf("moved UID %d flags = %v, want \\Seen", m.UID, m.Flags)
				}
			}
		}},
		{"delete", "delete", func(t *testing.T, s *dovecot.Server) {
			if msgs := s.Messages(t, box, "INBOX"); len(msgs) != 0 {
				t.Errorf("INBOX has %d messages, want 0", len(msgs))
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := startDovecot(t)
			s.AppendN(t, box, "INBOX", 3, func(i int) []byte { return frenchMessage(i, 2000) })
			// Not a message at all: the pipeline stores it raw, so it must
			// be settled like the others and not fetched forever.
			s.Append(t, box, "INBOX", []byte("\x00\x01 pas un message\r\n"))
			// Mail of another user must not be touched.
			s.Append(t, "other", "INBOX", frenchMessage(99, 500))

			d, st := newDeliverer(), newState()
			mb, err := ParseURL(s.URL(box, "INBOX") + "&after=" + tc.after)
			if tc.after == "" {
				mb, err = ParseURL(s.URL(box, "INBOX"))
			}
			if err != nil {
				t.Fatal(err)
			}
			mb.Address = "support@exemple.fr"
			stop := run(t, Options{Mailbox: mb, Deliverer: d, State: st})
			eventually(t, 10*time.Second, "4 messages settled", func() bool {
				_, last := st.get(mb.Name)
				return last == 4
			})
			stop()
			if stored, calls, _ := d.count(); stored != 4 || calls != 4 {
				t.Errorf("stored %d messages in %d calls, want 4 in 4", stored, calls)
			}
			for _, env := range d.envs {
				if env.Transport != "imap" || env.Mailbox != mb.Name || len(env.RcptTo) != 1 || env.RcptTo[0] != "support@exemple.fr" {
					t.Errorf("envelope = %+v, want imap, mailbox %q, rcpt support@exemple.fr", env, mb.Name)
				}
			}
			tc.check(t, s)
			if other := s.Messages(t, "other", "INBOX"); len(other) != 1 || other[0].Seen() {
				t.Errorf("other user's mailbox = %+v, want one unseen message", other)
			}
		})
	}
}

func TestRestartFetchesNothingTwice(t *testing.T) {
	s := startDovecot(t)
	s.AppendN(t, box, "INBOX", 5, func(i int) []byte { return frenchMessage(i, 1000) })
	d, st := newDeliverer(), newState()
	mb, err := ParseURL(s.URL(box, "INBOX"))
	if err != nil {
		t.Fatal(err)
	}
	stop := run(t, Options{Mailbox: mb, Deliverer: d, State: st})
	eventually(t, 10*time.Second, "5 delivered", func() bool { _, last := st.get(mb.Name); return last == 5 })
	stop()

	s.AppendN(t, box, "INBOX", 2, func(i int) []byte { return frenchMessage(100+i, 1000) })
	stop = run(t, Options{Mailbox: mb, Deliverer: d, State: st})
	eventually(t, 10*time.Second, "7 delivered", func() bool { _, last := st.get(mb.Name); return last == 7 })
	stop()
	if stored, calls, dups := d.count(); stored != 7 || calls != 7 || dups != 0 {
		t.Errorf("stored %d, calls %d, duplicates %d; want 7, 7, 0", stored, calls, dups)
	}
}

// The connection dies after Deliver committed and before the flag: the
// message comes back, Deliver answers Duplicate, and it is flagged then.
func TestCommitThenConnectionLost(t *testing.T) {
	s := startDovecot(t)
	s.AppendN(t, box, "INBOX", 4, func(i int) []byte { return frenchMessage(i, 1000) })
	d, st := newDeliverer(), newState()
	var killed atomic.Bool
	d.onStore = func(key string) {
		if key == "<demande-2@exemple.fr>" && !killed.Swap(true) {
			s.Kick(t, box)
		}
	}
	mb, err := ParseURL(s.URL(box, "INBOX"))
	if err != nil {
		t.Fatal(err)
	}
	stop := run(t, Options{Mailbox: mb, Deliverer: d, State: st})
	eventually(t, 20*time.Second, "4 settled after the restart", func() bool { _, last := st.get(mb.Name); return last == 4 })
	stop()
	stored, calls, dups := d.count()
	if stored != 4 || dups < 1 {
		t.Errorf("stored %d, duplicates %d; want 4 stored once each and at least 1 duplicate answer", stored, dups)
	}
	t.Logf("%d Deliver calls, %d answered Duplicate", calls, dups)
	for _, m := range s.Messages(t, box, "INBOX") {
		if !m.Seen() {
			t.Errorf("UID %d not \\Seen", m.UID)
		}
	}
}

func TestDeliverFailureLeavesMessageAndRetries(t *testing.T) {
	cases := []struct {
		name     string
		n, batch int
		failing  string        // the Message-ID whose delivery fails (UID = its number + 1)
		delay    time.Duration // before it fails
		wantLast uint32        // the last UID while it fails
	}{
		// UID 3 is delivered alongside UID 2 and may be committed, hence
		// flagged; the one that failed must not be.
		{"in its batch", 3, 0, "<demande-1@", 0, 1},
		// Batches overlap: UIDs 5-6 are fetched and delivered while UID 3
		// (batch 3-4) fails. The last UID must stay below UID 3 although
		// the later batch committed everything.
		{"before a later batch", 6, 2, "<demande-2@", 300 * time.Millisecond, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := startDovecot(t)
			s.AppendN(t, box, "INBOX", tc.n, func(i int) []byte { return frenchMessage(i, 1000) })
			d, st := newDeliverer(), newState()
			var failing atomic.Bool
			failing.Store(true)
			var failures atomic.Int32
			d.fail = func(call int, raw []byte) error {
				if failing.Load() && strings.Contains(string(raw), tc.failing) {
					time.Sleep(tc.delay)
					failures.Add(1)
					return fmt.Errorf("insert: %w", store.ErrUnavailable)
				}
				return nil
			}
			mb, err := ParseURL(s.URL(box, "INBOX"))
			if err != nil {
				t.Fatal(err)
			}
			stop := run(t, Options{Mailbox: mb, Deliverer: d, State: st, BatchSize: tc.batch})
			eventually(t, 10*time.Second, "two failed attempts", func() bool { return failures.Load() >= 2 })

			msgs := s.Messages(t, box, "INBOX")
			if len(msgs) != tc.n {
				t.Fatalf("INBOX has %d messages, want %d", len(msgs), tc.n)
			}
			for _, m := range msgs {
				settled, failed := m.UID <= tc.wantLast, m.UID == tc.wantLast+1
				if settled && !m.Seen() || failed && m.Seen() {
					t.Errorf("while the store fails: UID %d flags %v, want UIDs up to %d \\Seen and UID %d not",
						m.UID, m.Flags, tc.wantLast, tc.wantLast+1)
				}
			}
			if _, last := st.get(mb.Name); last != tc.wantLast {
				t.Errorf("last UID while failing = %d, want %d", last, tc.wantLast)
			}

			failing.Store(false)
			eventually(t, 10*time.Second, "all settled after the store came back", func() bool {
				_, last := st.get(mb.Name)
				return last == uint32(tc.n)
			})
			stop()
			// The messages after the failed one, committed meanwhile, are
			// fetched again after each failure (the last UID stays below
			// it) and answered Duplicate.
			after := tc.n - int(tc.wantLast) - 1
			if stored, _, dups := d.count(); stored != tc.n || dups > after*int(failures.Load()) {
				t.Errorf("stored %d, duplicates %d; want %d, at most %d per failure (%d)", stored, dups, tc.n, after, failures.Load())
			}
			for _, m := range s.Messages(t, box, "INBOX") {
				if !m.Seen() {
					t.Errorf("UID %d not \\Seen", m.UID)
				}
			}
		})
	}
}

func TestUIDValidityResetStoresNothingTwice(t *testing.T) {
	s := startDovecot(t)
	s.AppendN(t, box, "INBOX", 3, func(i int) []byte { return frenchMessage(i, 1000) })
	d, st := newDeliverer(), newState()
	mb, err := ParseURL(s.URL(box, "INBOX"))
	if err != nil {
		t.Fatal(err)
	}
	stop := run(t, Options{Mailbox: mb, Deliverer: d, State: st})
	eventually(t, 10*time.Second, "3 delivered", func() bool { _, last := st.get(mb.Name); return last == 3 })
	stop()
	oldV, _ := st.get(mb.Name)

	s.ResetUIDValidity(t, box)
	s.Append(t, box, "INBOX", frenchMessage(50, 1000))
	stop = run(t, Options{Mailbox: mb, Deliverer: d, State: st})
	eventually(t, 10*time.Second, "4 settled under the new UIDVALIDITY", func() bool {
		v, last := st.get(mb.Name)
		return v != oldV && last == 4
	})
	stop()
	if stored, calls, dups := d.count(); stored != 4 || calls != 7 || dups != 3 {
		t.Errorf("stored %d, calls %d, duplicates %d; want 4, 7, 3", stored, calls, dups)
	}
}

func TestIdleDeliversNewMailPromptly(t *testing.T) {
	s := startDovecot(t)
	d, st := newDeliverer(), newState()
	mb, err := ParseURL(s.URL(box, "INBOX"))
	if err != nil {
		t.Fatal(err)
	}
	// The polling interval is far longer than the test: only IDLE can
	// deliver in time.
	mb.Interval = time.Hour
	stop := run(t, Options{Mailbox: mb, Deliverer: d, State: st})
	time.Sleep(500 * time.Millisecond) // let it reach IDLE
	for i := range 3 {
		start := time.Now()
		s.Append(t, box, "INBOX", frenchMessage(i, 1000))
		eventually(t, 5*time.Second, "IDLE delivery", func() bool { stored, _, _ := d.count(); return stored == i+1 })
		t.Logf("IDLE: message %d delivered %v after APPEND", i, time.Since(start).Round(time.Millisecond))
	}
	stop()
}

// A process that dies keeps its lease until it expires; then another one
// takes the mailbox over.
func TestLeaseTakeover(t *testing.T) {
	s := startDovecot(t)
	st := newState()
	st.noRelease = true
	mb, err := ParseURL(s.URL(box, "INBOX"))
	if err != nil {
		t.Fatal(err)
	}
	dA, dB := newDeliverer(), newDeliverer()
	ttl := 1500 * time.Millisecond
	stopA := run(t, Options{Mailbox: mb, Deliverer: dA, State: noRelease{st}, Holder: "A", LeaseTTL: ttl})
	time.Sleep(300 * time.Millisecond)
	stopB := run(t, Options{Mailbox: mb, Deliverer: dB, State: noRelease{st}, Holder: "B", LeaseTTL: ttl})
	defer stopB()
	s.AppendN(t, box, "INBOX", 2, func(i int) []byte { return frenchMessage(i, 500) })
	eventually(t, 5*time.Second, "A delivers", func() bool { n, _, _ := dA.count(); return n == 2 })
	time.Sleep(ttl) // B keeps trying meanwhile
	if n, calls, _ := dB.count(); n != 0 || calls != 0 {
		t.Fatalf("B delivered %d (%d calls) while A held the lease", n, calls)
	}
	stopA() // A "dies": its lease is not released
	died := time.Now()
	s.Append(t, box, "INBOX", frenchMessage(7, 500))
	eventually(t, 3*ttl, "B takes over", func() bool { n, _, _ := dB.count(); return n == 1 })
	t.Logf("B took over %v after A died (lease %v)", time.Since(died).Round(time.Millisecond), ttl)
}

// noRelease is the state of a process that dies: it never releases.
type noRelease struct{ *memState }

func (noRelease) ReleaseLease(context.Context, string, string) error { return nil }

func TestPlainTextRefusedWithoutTLS(t *testing.T) {
	s := startDovecot(t) // ssl = no: no STARTTLS offered
	mb := Mailbox{URL: fmt.Sprintf("imap://%s:secret@%s/INBOX", box, s.Addr())}
	p, err := New(Options{Mailbox: mb, Deliverer: newDeliverer(), State: newState(), Holder: "t"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := p.connect(context.Background(), make(chan struct{}, 1))
	if err == nil {
		c.Close()
		t.Fatal("connect without STARTTLS succeeded, want an error before LOGIN")
	}
	if !strings.Contains(err.Error(), "starttls") {
		t.Errorf("connect = %v, want a STARTTLS error", err)
	}
	if strings.Contains(s.Log(), "Login: user=<"+box) {
		t.Errorf("Dovecot logged a login: the password crossed in clear text")
	}
}

func TestBacklogFlatMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("backlog test skipped in -short mode")
	}
	const n, size = 2000, 20_000
	s := startDovecot(t)
	start := time.Now()
	s.AppendN(t, box, "INBOX", n, func(i int) []byte { return frenchMessage(i, size) })
	t.Logf("appended %d messages of %d bytes in %v", n, size, time.Since(start).Round(time.Millisecond))

	d, st := newDeliverer(), newState()
	mb, err := ParseURL(s.URL(box, "INBOX"))
	if err != nil {
		t.Fatal(err)
	}
	heap := watchHeap(t)
	start = time.Now()
	stop := run(t, Options{Mailbox: mb, Deliverer: d, State: st})
	eventually(t, 120*time.Second, "backlog drained", func() bool { _, last := st.get(mb.Name); return last == n })
	elapsed := time.Since(start)
	heap.end()
	stop()
	t.Logf("drained %d messages (%d MB) in %v: %.0f msg/s; %v",
		n, n*size>>20, elapsed.Round(time.Millisecond), float64(n)/elapsed.Seconds(), heap)
	if stored, _, _ := d.count(); stored != n {
		t.Errorf("stored %d, want %d", stored, n)
	}
	// The whole backlog is 40 MB; holding it (or even a third of it)
	// would show here.
	if grow, limit := heap.grown(), int64(n*size/3); grow > limit {
		t.Errorf("heap grew by %d bytes during the drain, want under %d", grow, limit)
	}
}

func TestNewRejectsIncompleteOptions(t *testing.T) {
	mb := Mailbox{URL: "imap://u:p@127.0.0.1/INBOX?tls=none"}
	cases := []struct {
		name string
		o    Options
	}{
		{"no deliverer", Options{Mailbox: mb, State: newState(), Holder: "h"}},
		{"no state", Options{Mailbox: mb, Deliverer: newDeliverer(), Holder: "h"}},
		{"no holder", Options{Mailbox: mb, Deliverer: newDeliverer(), State: newState()}},
		{"no password", Options{Mailbox: Mailbox{URL: "imaps://u@mail.exemple.fr/INBOX"}, Deliverer: newDeliverer(), State: newState(), Holder: "h"}},
		{"bad after", Options{Mailbox: Mailbox{URL: mb.URL, After: "archive"}, Deliverer: newDeliverer(), State: newState(), Holder: "h"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := New(tc.o); err == nil {
				t.Errorf("New(%s) = nil error, want one", tc.name)
			}
		})
	}
	_, err := New(Options{Mailbox: Mailbox{URL: "pop3://u:p@h/"}, Deliverer: newDeliverer(), State: newState(), Holder: "h"})
	if !errors.Is(err, ErrBadURL) {
		t.Errorf("New(pop3://) = %v, want ErrBadURL", err)
	}
}

// A message over MaxBytes is delivered truncated at the limit (never read
// whole into memory), then settled like any other: it is not fetched
// forever, and the mailbox keeps the original.
func TestOversizeMessageTruncated(t *testing.T) {
	s := startDovecot(t)
	s.AppendN(t, box, "INBOX", 2, func(i int) []byte { return frenchMessage(i, 20000*i+500) })
	var (
		mu    sync.Mutex
		sizes []int
	)
	d := newDeliverer()
	d.fail = func(_ int, raw []byte) error {
		// Deliveries of one fetch run concurrently, in any order.
		mu.Lock()
		defer mu.Unlock()
		sizes = append(sizes, len(raw))
		return nil
	}
	st := newState()
	mb, err := ParseURL(s.URL(box, "INBOX"))
	if err != nil {
		t.Fatal(err)
	}
	stop := run(t, Options{Mailbox: mb, Deliverer: d, State: st, MaxBytes: 8000})
	eventually(t, 10*time.Second, "2 delivered", func() bool { _, last := st.get(mb.Name); return last == 2 })
	stop()
	mu.Lock()
	defer mu.Unlock()
	slices.Sort(sizes)
	if len(sizes) != 2 || sizes[0] >= 8000 || sizes[1] != 8000 {
		t.Errorf("delivered sizes %v, want one small message and one cut at 8000 bytes", sizes)
	}
	for _, m := range s.Messages(t, box, "INBOX") {
		if !m.Seen() {
			t.Errorf("UID %d not settled", m.UID)
		}
	}
}
