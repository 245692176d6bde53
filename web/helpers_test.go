package web_test

import (
	"bytes"
	"context"
	"fmt"
	"guichet/internal/testdb"
	"io"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	gomail "github.com/emersion/go-message/mail"

	"guichet/classify"
	"guichet/ingest"
	"guichet/outbound"
	"guichet/replyaddr"
	"guichet/store"
	"guichet/tracking"
	"guichet/web"
)

const (
	support  = "support@centre.example"
	agent    = "agent@centre.example"
	apiToken = "jeton-api-de-test-0123456789"
)

func backends() []testdb.Backend { return testdb.Backends() }

func openStore(t testing.TB, o store.Options) store.Store { return testdb.Open(t, o) }

// clock is a settable clock shared by the pipeline and the web side.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Millisecond)
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type labels struct{ c *classify.Catalogue }

func (l labels) Label(code string) string {
	if c, ok := l.c.Lookup(code); ok {
		return c.Label
	}
	return ""
}

// env is a gateway as guichet serve wires it: a real store, the real
// pipeline with its acknowledger (whose links point at this server), and
// the web side over real HTTP.
type env struct {
	st       store.Store
	pipeline *ingest.Pipeline
	tokens   *tracking.Signer
	metrics  *web.Metrics
	clock    *clock
	srv      *httptest.Server
	queued   int
	mu       sync.Mutex
}

func newEnv(t *testing.T, st store.Store, mod func(*web.Options)) *env {
	t.Helper()
	cat, err := classify.Default()
	if err != nil {
		t.Fatal(err)
	}
	secret := []byte("secret-de-test-pour-le-suivi-0123")
	signer, err := replyaddr.New(secret, support)
	if err != nil {
		t.Fatal(err)
	}
	tokens, err := tracking.New(secret)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{st: st, tokens: tokens, clock: &clock{t: time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)}}
	var handler http.Handler
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	t.Cleanup(e.srv.Close)

	pending := &outbound.Pending{}
	acker, err := outbound.NewAcker(outbound.AckerOptions{
		SupportAddress: support, Signer: signer, Catalogue: cat, Clock: e.clock.Now,
		PublicURL: e.srv.URL, TrackToken: func(n, _ string) string { return tokens.Token(n) }, PerHour: 100, Queued: pending.Add,
	})
	if err != nil {
		t.Fatal(err)
	}
	mailer, err := outbound.NewMailer(outbound.MailerOptions{
		SupportAddress: support, Signer: signer, Catalogue: cat, Clock: e.clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	e.metrics = web.NewMetrics(st)
	e.pipeline = ingest.New(ingest.Options{
		SupportAddress: support, Agents: []string{agent}, Clock: e.clock.Now, Mailer: mailer,
		AlertAddresses: []string{"alertes@centre.example"},
		// Only high tickets have a target: the other tests' tickets keep
		// null deadlines.
		SLA: []ingest.SLATarget{{Priority: store.PriorityHigh, FirstResponse: time.Hour, Resolution: 4 * time.Hour}},
		Observe: func(env store.Envelope, kind store.Kind, r ingest.Result, took time.Duration) {
			e.metrics.Observe(env, kind, string(r.Action), r.Category, took)
		},
	}, st, cat, signer, acker)
	// As guichet ingest does: each acknowledgment is composed right after
	// its commit.
	e.pipeline.OnCommit(func() {
		if err := pending.RenderAll(context.Background(), acker, st); err != nil {
			t.Errorf("compose acknowledgments: %v", err)
		}
	})
	o := web.Options{
		Store: st, Tokens: tokens, Catalogue: labels{cat}, PublicURL: e.srv.URL,
		SupportAddress: support, APIToken: apiToken, Agents: []string{agent},
		Answerer: answerer{e.pipeline},
		OnQueued: func() { e.mu.Lock(); e.queued++; e.mu.Unlock() },
		Clock:    e.clock.Now,
	}
	if mod != nil {
		mod(&o)
	}
	ws, err := web.New(o)
	if err != nil {
		t.Fatal(err)
	}
	handler = ws.Handler()
	return e
}

// answerer is the pipeline as guichet serve hands it to the web side.
type answerer struct{ p *ingest.Pipeline }

func (a answerer) AnswerAsAgent(ctx context.Context, m web.AgentMessage) (web.Answered, error) {
	r, err := a.p.PostAgent(ctx, ingest.AgentPost{Ticket: m.Ticket, Agent: m.From, Note: m.Note, Text: m.Text, MessageID: m.MessageID})
	return web.Answered{Ticket: r.Ticket, Action: string(r.Action)}, err
}

func (a answerer) PatchTicket(ctx context.Context, number string, p web.TicketPatch) error {
	return a.p.Patch(ctx, number, ingest.Patch(p))
}

func mailFrom(from, subject, msgID, body string) []byte {
	return []byte(fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: %s\r\n"+
		"Date: Thu, 26 Nov 2026 09:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n",
		from, support, subject, msgID, body))
}

// withAttachment is a request with a PDF attached.
func withAttachment(from, subject, msgID, body, filename string, data []byte) []byte {
	return []byte(fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: %s\r\n"+
		"Date: Thu, 26 Nov 2026 09:00:00 +0000\r\nMIME-Version: 1.0\r\n"+
		"Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"+
		"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n"+
		"--b1\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"%s\"\r\n\r\n%s\r\n--b1--\r\n",
		from, support, subject, msgID, body, filename, data))
}

func (e *env) deliver(t *testing.T, raw []byte) ingest.Result {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	from, err := mail.ParseAddress(msg.Header.Get("From"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := e.pipeline.Deliver(context.Background(), raw, store.Envelope{Transport: "smtp", MailFrom: from.Address, RcptTo: []string{support}})
	if err != nil {
		t.Fatalf("Deliver: %v", err)
	}
	return r
}

type response struct {
	status int
	header http.Header
	body   string
}

func (e *env) do(t *testing.T, method, path, token, body string) response {
	t.Helper()
	u := path
	if !strings.HasPrefix(u, "http") {
		u = e.srv.URL + path
	}
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if method == http.MethodPost && strings.HasPrefix(path, "/mes-demandes") {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{resp.StatusCode, resp.Header, string(b)}
}

func (e *env) get(t *testing.T, path string) response {
	t.Helper()
	return e.do(t, "GET", path, "", "")
}

// textOf returns the text/plain part of a raw message, decoded.
func textOf(t *testing.T, raw []byte) string {
	t.Helper()
	mr, err := gomail.CreateReader(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatalf("read message: %v", err)
	}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("read part: %v", err)
		}
		if h, ok := p.Header.(*gomail.InlineHeader); ok {
			if ct, _, _ := h.ContentType(); ct == "text/plain" {
				b, _ := io.ReadAll(p.Body)
				return string(b)
			}
		}
	}
	t.Fatal("no text/plain part")
	return ""
}

var linkRE = regexp.MustCompile(`https?://\S+`)

// queuedLink returns the link of the last queued message to addr whose
// link contains part (/suivi/ or /mes-demandes/), as a requester would
// click it.
func (e *env) queuedLink(t *testing.T, to, part string) (string, int) {
	t.Helper()
	out, err := e.st.Outbox(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	link, n := "", 0
	for _, o := range out {
		if len(o.To) != 1 || o.To[0] != to {
			continue
		}
		for _, l := range linkRE.FindAllString(textOf(t, o.Raw), -1) {
			if strings.Contains(l, part) {
				link, n = l, n+1
			}
		}
	}
	return link, n
}

// addNote stores an internal note (and a notification) in a ticket
// directly, as the agents' side records them, with an attachment of its own.
func (e *env) addNote(t *testing.T, number, text string, att []byte) {
	t.Helper()
	err := e.st.InTx(context.Background(), func(ctx context.Context, tx store.Tx) error {
		tk, err := tx.TicketByNumber(ctx, number)
		if err != nil {
			return err
		}
		for i, k := range []store.Kind{store.KindNote, store.KindNotification} {
			m := &store.Message{
				Direction: store.DirIn, Kind: k, From: agent, To: []string{support}, Subject: "note",
				MessageID: fmt.Sprintf("<note%d-%s@centre.example>", i, number), Text: fmt.Sprintf("%s (%s)", text, k),
				Raw: []byte("x"), DedupeKey: fmt.Sprintf("<note%d-%s@centre.example>", i, number), Date: e.clock.Now(),
			}
			if k == store.KindNote {
				m.Attachments = []store.Attachment{{Filename: "interne.txt", ContentType: "text/plain", Size: int64(len(att)), SHA256: sha(att), Data: att}}
			}
			id, err := tx.InsertMessage(ctx, m)
			if err != nil {
				return err
			}
			if err := tx.AttachMessage(ctx, id, tk.ID, k); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
