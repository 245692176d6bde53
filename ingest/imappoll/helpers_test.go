package imappoll

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/mail"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"guichet/ingest"
	"guichet/store"
)

// dedupeDeliverer stores messages in memory, idempotent by Message-ID or
// raw hash like the real pipeline, and can be told to fail.
type dedupeDeliverer struct {
	mu      sync.Mutex
	stored  map[string]int // dedupe key → times stored (must stay 1)
	order   []string
	calls   int
	dups    int
	envs    []store.Envelope
	fail    func(call int, raw []byte) error // nil: never fails
	onStore func(key string)                 // after commit, before returning
}

func newDeliverer() *dedupeDeliverer { return &dedupeDeliverer{stored: map[string]int{}} }

func (d *dedupeDeliverer) Deliver(ctx context.Context, raw []byte, env store.Envelope) (ingest.Result, error) {
	d.mu.Lock()
	d.calls++
	call := d.calls
	fail := d.fail
	d.mu.Unlock()
	if fail != nil {
		if err := fail(call, raw); err != nil {
			return ingest.Result{}, err
		}
	}
	key, parseErr := "", ""
	if m, err := mail.ReadMessage(bytes.NewReader(raw)); err == nil && m.Header.Get("Message-ID") != "" {
		key = strings.TrimSpace(m.Header.Get("Message-ID"))
	} else {
		sum := sha256.Sum256(raw)
		key = "sha256:" + hex.EncodeToString(sum[:])
		if err != nil {
			parseErr = err.Error()
		}
	}
	d.mu.Lock()
	d.envs = append(d.envs, env)
	if d.stored[key] > 0 {
		d.dups++
		d.mu.Unlock()
		return ingest.Result{Action: ingest.Duplicate, MessageID: key}, nil
	}
	d.stored[key]++
	d.order = append(d.order, key)
	onStore := d.onStore
	d.mu.Unlock()
	if onStore != nil {
		onStore(key)
	}
	if parseErr != "" {
		return ingest.Result{Action: ingest.Unticketed, MessageID: key, ParseError: parseErr}, nil
	}
	return ingest.Result{Action: ingest.Created, MessageID: key}, nil
}

func (d *dedupeDeliverer) count() (stored, calls, dups int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.stored), d.calls, d.dups
}

// memState is an in-memory StateStore with the store's lease semantics.
type memState struct {
	mu        sync.Mutex
	boxes     map[string][2]uint32
	leases    map[string]lease
	noRelease bool // a dead process never releases its lease
}

type lease struct {
	holder string
	until  time.Time
}

func newState() *memState {
	return &memState{boxes: map[string][2]uint32{}, leases: map[string]lease{}}
}

func (s *memState) MailboxState(ctx context.Context, mailbox string) (uint32, uint32, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.boxes[mailbox]
	if !ok {
		return 0, 0, store.ErrNotFound
	}
	return b[0], b[1], nil
}

func (s *memState) SetMailboxState(ctx context.Context, mailbox string, v, last uint32) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.boxes[mailbox] = [2]uint32{v, last}
	return nil
}

func (s *memState) AcquireLease(ctx context.Context, name, holder string, now time.Time, ttl time.Duration) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, ok := s.leases[name]
	if ok && l.holder != holder && now.Before(l.until) {
		return false, nil
	}
	s.leases[name] = lease{holder, now.Add(ttl)}
	return true, nil
}

func (s *memState) ReleaseLease(ctx context.Context, name, holder string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if l, ok := s.leases[name]; ok && l.holder == holder {
		delete(s.leases, name)
	}
	return nil
}

func (s *memState) get(mailbox string) (v, last uint32) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.boxes[mailbox]
	return b[0], b[1]
}

// frenchMessage is a fixture of about size bytes (at least a few hundred).
func frenchMessage(i, size int) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: Usager %d <usager%d@exemple.fr>\r\nTo: support@exemple.fr\r\n", i, i)
	fmt.Fprintf(&b, "Subject: =?UTF-8?Q?Probl=C3=A8me_d=27acc=C3=A8s_n=C2=B0%d?=\r\n", i)
	fmt.Fprintf(&b, "Message-ID: <demande-%d@exemple.fr>\r\nDate: Mon, 2 Mar 2026 09:00:00 +0100\r\n", i)
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	b.WriteString("Bonjour,\r\n\r\nJe n'arrive plus à me connecter à l'intranet depuis ce matin.\r\n")
	for b.Len() < size {
		b.WriteString("Merci de votre aide ; cordialement, l'équipe comptabilité.\r\n")
	}
	return b.Bytes()
}

// run starts a poller in the background; the returned stop cancels it and
// waits for Run to return.
func run(t *testing.T, o Options) (stop func()) {
	t.Helper()
	if o.Holder == "" {
		o.Holder = "test"
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelInfo}))
	}
	if o.MinBackoff == 0 {
		o.MinBackoff = 100 * time.Millisecond
		o.MaxBackoff = 500 * time.Millisecond
	}
	p, err := New(o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Run = %v, want nil", err)
				}
			case <-time.After(20 * time.Second):
				t.Errorf("Run did not return 20 s after cancel")
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimRight(string(b), "\n"))
	return len(b), nil
}

// eventually waits up to d for cond.
func eventually(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %s: %s", d, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// heapWatch samples HeapInuse every 20 ms from a base taken after a GC.
type heapWatch struct {
	base, peak uint64
	stop, done chan struct{}
}

func watchHeap(t *testing.T) *heapWatch {
	t.Helper()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	h := &heapWatch{base: ms.HeapInuse, peak: ms.HeapInuse, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(h.done)
		var ms runtime.MemStats
		for {
			select {
			case <-h.stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			runtime.ReadMemStats(&ms)
			h.peak = max(h.peak, ms.HeapInuse)
		}
	}()
	t.Cleanup(h.end)
	return h
}

// end stops sampling; base and peak may be read afterwards.
func (h *heapWatch) end() {
	select {
	case <-h.stop:
	default:
		close(h.stop)
	}
	<-h.done
}

// grown is how far the heap rose above its base (after end).
func (h *heapWatch) grown() int64 { return int64(h.peak) - int64(h.base) }

func (h *heapWatch) String() string {
	return fmt.Sprintf("HeapInuse base %.1f MB, peak %.1f MB (+%.1f MB)",
		float64(h.base)/1e6, float64(h.peak)/1e6, float64(h.grown())/1e6)
}
