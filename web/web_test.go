package web_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"guichet/ingest"
	"guichet/store"
	"guichet/web"
)

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// trackingFixture opens Awa's ticket (with a PDF), adds an agent's answer
// through the API, a note and a notification, and another requester's
// ticket. It returns the tracking link from Awa's acknowledgment.
func trackingFixture(t *testing.T, e *env) (number, other, link string, pdf []byte) {
	t.Helper()
	pdf = []byte("%PDF-1.4 facture de test")
	r := e.deliver(t, withAttachment("Awa Diop <awa@example.org>", "[1.7] Plateforme inaccessible depuis ce matin",
		"<a1@example.org>", "Bonjour, la plateforme affiche une erreur 502.", "capture écran.pdf", pdf))
	if r.Action != ingest.Created {
		t.Fatalf("first delivery = %+v", r)
	}
	number = r.Ticket
	o := e.deliver(t, mailFrom("moussa@example.org", "Imprimante bloquée", "<m1@example.org>", "Le bac est coincé."))
	other = o.Ticket
	resp := e.do(t, "POST", "/api/tickets/"+number+"/messages", apiToken,
		`{"kind": "agent", "from": "`+agent+`", "text": "Nous avons relancé le service, merci de réessayer."}`)
	if resp.status != 201 {
		t.Fatalf("API answer = %d %s", resp.status, resp.body)
	}
	e.addNote(t, number, "NOTE INTERNE : client difficile", []byte("secret interne"))
	link, n := e.queuedLink(t, "awa@example.org", "/suivi/")
	if n != 1 || link == "" {
		t.Fatalf("acknowledgment to awa carries %d tracking links (%q), want 1", n, link)
	}
	return number, other, link, pdf
}

func TestTrackingPage(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.Name, func(t *testing.T) {
			e := newEnv(t, be.Open(t), nil)
			number, other, link, pdf := trackingFixture(t, e)
			u, err := url.Parse(link)
			if err != nil {
				t.Fatal(err)
			}
			token := u.Query().Get("jeton")

			page := e.get(t, u.RequestURI())
			if page.status != 200 {
				t.Fatalf("GET %s = %d", u.RequestURI(), page.status)
			}
			for _, want := range []string{
				"Demande n° " + number, "Plateforme inaccessible depuis ce matin", "réponse envoyée",
				"1.7 — Plateforme inaccessible", "la plateforme affiche une erreur 502.",
				"Nous avons relancé le service, merci de réessayer.", "Accusé de réception",
				"Réponse du centre d’assistance", "capture écran.pdf", "novembre 2026",
			} {
				if !strings.Contains(html.UnescapeString(page.body), want) {
					t.Errorf("tracking page lacks %q", want)
				}
			}
			for _, never := range []string{"NOTE INTERNE", "notification)", "interne.txt", "Imprimante bloquée", "Le bac est coincé", agent} {
				if strings.Contains(html.UnescapeString(page.body), never) {
					t.Errorf("tracking page shows %q", never)
				}
			}
			wantHeaders := map[string]string{
				"Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
				"Referrer-Policy":         "no-referrer",
				"X-Frame-Options":         "DENY",
				"X-Content-Type-Options":  "nosniff",
				"Cache-Control":           "no-store",
			}
			for k, v := range wantHeaders {
				if got := page.header.Get(k); got != v {
					t.Errorf("header %s = %q, want %q", k, got, v)
				}
			}

			// Everything that is not this ticket with its token: one same 404.
			flipped := []byte(token)
			flipped[0] ^= 1
			bad := []struct{ name, path string }{
				{"tampered token", "/suivi/" + number + "?jeton=" + url.QueryEscape(string(flipped))},
				{"no token", "/suivi/" + number},
				{"another ticket's number", "/suivi/" + other + "?jeton=" + url.QueryEscape(token)},
				{"unknown number", "/suivi/2026-999999?jeton=" + url.QueryEscape(token)},
				{"garbage number", "/suivi/%3Cscript%3E?jeton=x"},
				{"note's attachment", "/suivi/" + number + "/pj/" + sha([]byte("secret interne")) + "?jeton=" + url.QueryEscape(token)},
				{"unknown attachment", "/suivi/" + number + "/pj/" + sha([]byte("nothing")) + "?jeton=" + url.QueryEscape(token)},
				{"attachment with a wrong token", "/suivi/" + number + "/pj/" + sha(pdf) + "?jeton=" + url.QueryEscape(string(flipped))},
			}
			var first string
			for i, b := range bad {
				r := e.get(t, b.path)
				if r.status != 404 {
					t.Errorf("%s: status %d, want 404", b.name, r.status)
				}
				if i == 0 {
					first = r.body
				} else if r.body != first {
					t.Errorf("%s: 404 body differs from the tampered token's", b.name)
				}
				if strings.Contains(r.body, number) || strings.Contains(r.body, other) {
					t.Errorf("%s: 404 page names a ticket", b.name)
				}
			}

			// The attachment of the request downloads, byte for byte.
			dl := e.get(t, "/suivi/"+number+"/pj/"+sha(pdf)+"?jeton="+url.QueryEscape(token))
			if dl.status != 200 || dl.body != string(pdf) {
				t.Fatalf("attachment download = %d %q", dl.status, dl.body)
			}
			if cd := dl.header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, "capture") {
				t.Errorf("Content-Disposition = %q, want attachment with the filename", cd)
			}
			if dl.header.Get("X-Content-Type-Options") != "nosniff" || dl.header.Get("Content-Type") != "application/pdf" {
				t.Errorf("download headers = %v", dl.header)
			}
		})
	}
}

// TestAccessibility checks every page for the basics: lang="fr", exactly
// one h1, a title, and a label for every input.
func TestAccessibility(t *testing.T) {
	e := newEnv(t, backends()[0].Open(t), nil)
	_, _, link, _ := trackingFixture(t, e)
	e.do(t, "POST", "/mes-demandes", "", "adresse=awa%40example.org")
	list, _ := e.queuedLink(t, "awa@example.org", "/mes-demandes/")
	pages := []struct{ name, url string }{
		{"tracking", link}, {"mes-demandes form", "/mes-demandes"}, {"list", list}, {"404", "/suivi/2026-999999?jeton=x"},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			r := e.get(t, p.url)
			if problems := accessibility(t, r.body); len(problems) > 0 {
				t.Errorf("%s: %s", p.url, strings.Join(problems, "; "))
			}
		})
	}
	// The form after a wrong address: the error is tied to the field.
	r := e.do(t, "POST", "/mes-demandes", "", "adresse=pas-une-adresse")
	if r.status != 400 || !strings.Contains(r.body, `aria-describedby="adresse-erreur"`) {
		t.Errorf("invalid address: %d, error not tied to the field", r.status)
	}
	if problems := accessibility(t, r.body); len(problems) > 0 {
		t.Errorf("form with an error: %s", strings.Join(problems, "; "))
	}
}

func accessibility(t *testing.T, body string) []string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var problems []string
	h1, title := 0, false
	labels := map[string]bool{}
	var inputs []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			attr := map[string]string{}
			for _, a := range n.Attr {
				attr[a.Key] = a.Val
			}
			switch n.Data {
			case "html":
				if attr["lang"] != "fr" {
					problems = append(problems, `<html> without lang="fr"`)
				}
			case "h1":
				h1++
			case "title":
				title = n.FirstChild != nil && strings.TrimSpace(n.FirstChild.Data) != ""
			case "label":
				labels[attr["for"]] = true
			case "input", "select", "textarea":
				if attr["type"] != "hidden" && attr["type"] != "submit" {
					inputs = append(inputs, attr["id"])
				}
			case "script":
				problems = append(problems, "a <script> element")
			case "img":
				if _, ok := attr["alt"]; !ok {
					problems = append(problems, "an <img> without alt")
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if h1 != 1 {
		problems = append(problems, "not exactly one h1")
	}
	if !title {
		problems = append(problems, "no title")
	}
	for _, id := range inputs {
		if id == "" || !labels[id] {
			problems = append(problems, "an input without a label: "+id)
		}
	}
	return problems
}

func TestMyRequests(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.Name, func(t *testing.T) {
			e := newEnv(t, be.Open(t), nil)
			number, _, _, _ := trackingFixture(t, e)
			post := func(addr string) response {
				t.Helper()
				return e.do(t, "POST", "/mes-demandes", "", "adresse="+url.QueryEscape(addr))
			}
			links := func(addr string) (string, int) {
				t.Helper()
				return e.queuedLink(t, addr, "/mes-demandes/")
			}
			known := post("AWA@example.org")
			unknown := post("inconnu@example.org")
			if known.status != 200 || unknown.status != 200 {
				t.Fatalf("POST statuses %d and %d, want 200", known.status, unknown.status)
			}
			if strings.ReplaceAll(known.body, "awa@example.org", "X") != strings.ReplaceAll(unknown.body, "inconnu@example.org", "X") {
				t.Error("the page differs between a known and an unknown address")
			}
			if !strings.Contains(known.body, "valable 24 heures") {
				t.Error("the page does not say what happens")
			}
			if _, n := links("inconnu@example.org"); n != 0 {
				t.Errorf("%d mails to an unknown address, want 0", n)
			}
			link, n := links("awa@example.org")
			if n != 1 {
				t.Fatalf("%d link mails to awa, want 1", n)
			}
			// Rate limit: at once and 9 minutes later, nothing more.
			post("awa@example.org")
			e.clock.Add(9 * time.Minute)
			again := post("awa@example.org")
			if _, n := links("awa@example.org"); n != 1 {
				t.Errorf("%d link mails within 10 minutes, want 1", n)
			}
			if strings.ReplaceAll(again.body, "awa@example.org", "X") != strings.ReplaceAll(unknown.body, "inconnu@example.org", "X") {
				t.Error("the rate-limited answer differs")
			}
			e.clock.Add(2 * time.Minute)
			post("awa@example.org")
			if _, n := links("awa@example.org"); n != 2 {
				t.Errorf("%d link mails after 11 minutes, want 2", n)
			}

			// The link lists Awa's tickets, each with its tracking link.
			page := e.get(t, link)
			if page.status != 200 || !strings.Contains(page.body, number) || strings.Contains(page.body, "Imprimante") {
				t.Fatalf("list page = %d, want awa's ticket only:\n%s", page.status, page.body)
			}
			doc, _ := html.Parse(strings.NewReader(page.body))
			var track string
			var find func(*html.Node)
			find = func(n *html.Node) {
				for _, a := range n.Attr {
					if n.Data == "a" && a.Key == "href" && strings.HasPrefix(a.Val, "/suivi/") {
						track = a.Val
					}
				}
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					find(c)
				}
			}
			find(doc)
			if r := e.get(t, track); track == "" || r.status != 200 || !strings.Contains(r.body, "Demande n° "+number) {
				t.Errorf("tracking link %q from the list = %d", track, r.status)
			}
			// A tampered or expired link is the same 404.
			if r := e.get(t, link+"x"); r.status != 404 {
				t.Errorf("tampered list link = %d, want 404", r.status)
			}
			e.clock.Add(25 * time.Hour)
			if r := e.get(t, link); r.status != 404 {
				t.Errorf("expired list link = %d, want 404", r.status)
			}
			if e.queued == 0 {
				t.Error("OnQueued was never called: the sender would not be woken")
			}
		})
	}
}

func TestAPI(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.Name, func(t *testing.T) {
			e := newEnv(t, be.Open(t), nil)
			number, other, link, _ := trackingFixture(t, e)

			auth := []struct{ name, token string }{{"no token", ""}, {"wrong token", "mauvais"}, {"prefix of the token", apiToken[:10]}}
			for _, a := range auth {
				r := e.do(t, "GET", "/api/tickets", a.token, "")
				if r.status != 401 || !strings.Contains(r.body, `"error"`) {
					t.Errorf("%s: %d %s, want 401 with a JSON error", a.name, r.status, r.body)
				}
			}

			list := func(query string) []string {
				t.Helper()
				r := e.do(t, "GET", "/api/tickets"+query, apiToken, "")
				if r.status != 200 {
					t.Fatalf("list %s = %d %s", query, r.status, r.body)
				}
				var ts []map[string]any
				if err := json.Unmarshal([]byte(r.body), &ts); err != nil {
					t.Fatal(err)
				}
				var nums []string
				for _, tk := range ts {
					if _, has := tk["messages"]; has {
						t.Error("list carries messages")
					}
					nums = append(nums, tk["number"].(string))
				}
				return nums
			}
			cases := []struct {
				name, query string
				want        []string
			}{
				{"all", "", []string{other, number}},
				{"by status", "?status=answered", []string{number}},
				{"by category", "?category=1.7", []string{number}},
				{"by requester", "?requester=moussa%40example.org", []string{other}},
				{"search", "?q=coinc%C3%A9", []string{other}},
				{"search the agent's answer", "?q=relanc%C3%A9", []string{number}},
				{"nothing", "?q=introuvable", nil},
			}
			for _, c := range cases {
				if got := list(c.query); strings.Join(got, ",") != strings.Join(c.want, ",") {
					t.Errorf("%s: %v, want %v", c.name, got, c.want)
				}
			}
			if r := e.do(t, "GET", "/api/tickets?status=ouvert", apiToken, ""); r.status != 400 {
				t.Errorf("unknown status filter = %d, want 400", r.status)
			}

			var shown struct {
				Number   string `json:"number"`
				Status   string `json:"status"`
				Category string `json:"category"`
				Source   string `json:"category_source"`
				Messages []struct {
					Kind, From, Text string
				} `json:"messages"`
				History []struct{ To, Reason string } `json:"history"`
			}
			show := func() {
				t.Helper()
				r := e.do(t, "GET", "/api/tickets/"+number, apiToken, "")
				if r.status != 200 {
					t.Fatalf("show = %d %s", r.status, r.body)
				}
				if err := json.Unmarshal([]byte(r.body), &shown); err != nil {
					t.Fatal(err)
				}
			}
			show()
			kinds := []string{}
			for _, m := range shown.Messages {
				kinds = append(kinds, m.Kind)
			}
			// The request, the agents' notification (same transaction), its
			// acknowledgment (composed after the commit), the agent's message
			// and the answer it sent, the note and the notification of the
			// note (helpers_test.go's addNote writes one).
			if strings.Join(kinds, ",") != "request,notification,ack,agent,agent,note,notification" {
				t.Errorf("messages of %s = %v", number, kinds)
			}
			if r := e.do(t, "GET", "/api/tickets/2026-999999", apiToken, ""); r.status != 404 || !strings.Contains(r.body, `"error"`) {
				t.Errorf("unknown ticket = %d %s", r.status, r.body)
			}

			// PATCH: status and category, recorded as the API's and the agent's.
			r := e.do(t, "PATCH", "/api/tickets/"+number, apiToken, `{"status": "resolved", "category": "2.2"}`)
			if r.status != 200 {
				t.Fatalf("patch = %d %s", r.status, r.body)
			}
			show()
			last := shown.History[len(shown.History)-1]
			if shown.Status != "resolved" || shown.Category != "2.2" || shown.Source != "agent" || last.To != "resolved" || last.Reason != "api" {
				t.Errorf("after patch: %s %s %s, last change %+v", shown.Status, shown.Category, shown.Source, last)
			}
			badPatches := []struct{ name, body string }{
				{"unknown status", `{"status": "ouvert"}`},
				{"unknown category", `{"category": "9.9"}`},
				{"unknown field", `{"statut": "closed"}`},
				{"nothing", `{}`},
				{"not JSON", `status=closed`},
			}
			for _, b := range badPatches {
				if r := e.do(t, "PATCH", "/api/tickets/"+number, apiToken, b.body); r.status != 400 || !strings.Contains(r.body, `"error"`) {
					t.Errorf("%s: %d %s, want 400", b.name, r.status, r.body)
				}
			}

			// POST: only declared agents, only agent or note.
			badPosts := []struct{ name, body string }{
				{"not an agent", `{"kind": "agent", "from": "awa@example.org", "text": "Je me réponds."}`},
				{"bad kind", `{"kind": "ack", "from": "` + agent + `", "text": "x"}`},
				{"empty text", `{"kind": "agent", "from": "` + agent + `", "text": "  "}`},
			}
			for _, b := range badPosts {
				if r := e.do(t, "POST", "/api/tickets/"+number+"/messages", apiToken, b.body); r.status != 400 {
					t.Errorf("%s: %d %s, want 400", b.name, r.status, r.body)
				}
			}
			r = e.do(t, "POST", "/api/tickets/"+number+"/messages", apiToken,
				`{"kind": "note", "from": "`+agent+`", "text": "Note par l’API : ne pas rappeler avant lundi."}`)
			if r.status != 201 {
				t.Fatalf("post note = %d %s", r.status, r.body)
			}
			show()
			lastMsg := shown.Messages[len(shown.Messages)-1]
			if !strings.Contains(lastMsg.Text, "ne pas rappeler avant lundi") || lastMsg.From != agent {
				t.Errorf("the API note was stored as %+v", lastMsg)
			}
			if lastMsg.Kind != "note" {
				t.Fatalf("the API note was stored as %q, want note", lastMsg.Kind)
			}
			u, _ := url.Parse(link)
			if p := e.get(t, u.RequestURI()); strings.Contains(p.body, "ne pas rappeler") {
				t.Error("a note posted through the API shows on the tracking page")
			}
		})
	}
}

func TestHealth(t *testing.T) {
	st := backends()[0].Open(t)
	var notUp error
	e := newEnv(t, st, func(o *web.Options) { o.Ready = func() error { return notUp } })
	if r := e.get(t, "/healthz"); r.status != 200 {
		t.Errorf("healthz = %d", r.status)
	}
	if r := e.get(t, "/readyz"); r.status != 200 {
		t.Errorf("readyz = %d %s", r.status, r.body)
	}
	notUp = errFake("smtp listener down")
	if r := e.get(t, "/readyz"); r.status != 503 {
		t.Errorf("readyz with a listener down = %d, want 503", r.status)
	}
	notUp = nil
	st.Close()
	if r := e.get(t, "/readyz"); r.status != 503 || strings.Contains(r.body, "sql") {
		t.Errorf("readyz with the store closed = %d %q, want 503 without details", r.status, r.body)
	}
	if r := e.get(t, "/healthz"); r.status != 200 {
		t.Errorf("healthz with the store closed = %d, want 200 (the process is up)", r.status)
	}
}

type errFake string

func (e errFake) Error() string { return string(e) }

func TestMetrics(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.Name, func(t *testing.T) {
			st := be.Open(t)
			e := newEnv(t, st, nil)
			trackingFixture(t, e)
			// The first acknowledgment goes out: the sender marks it sent
			// and counts it.
			out, err := st.Outbox(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			first := out[slices.IndexFunc(out, func(o store.Outbound) bool { return o.Kind == store.KindAck })]
			if err := st.MarkSent(context.Background(), store.Sent{ID: first.ID, At: e.clock.Now()}); err != nil {
				t.Fatal(err)
			}
			e.metrics.Sent(first.Kind)
			// The public listener does not serve them.
			if r := e.get(t, "/metrics"); r.status != http.StatusNotFound {
				t.Errorf("public /metrics = %d, want 404", r.status)
			}
			rec := httptest.NewRecorder()
			e.metrics.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
			if rec.Code != 200 {
				t.Fatalf("metrics = %d", rec.Code)
			}
			body := rec.Body.String()
			for _, want := range []string{
				`guichet_messages_received_total{action="created",kind="request",transport="smtp"} 2`,
				`guichet_messages_received_total{action="joined",kind="agent",transport="api"} 1`,
				`guichet_tickets_opened_total{category="1.7"} 1`,
				`guichet_messages_sent_total{kind="ack"} 1`,
				// Queued: the other acknowledgment, the agent's notification
				// of each new ticket and the agent's answer to awa.
				`guichet_outbox_messages{state="queued"} 4`,
				`guichet_outbox_messages{state="failed"} 0`,
				`guichet_messages_sent_total{kind="agent"} 0`,
				`guichet_ingest_duration_seconds_count{transport="smtp"} 2`,
				`guichet_store_up 1`,
			} {
				if !strings.Contains(body, want) {
					t.Errorf("metrics lack %s\n%s", want, grepLines(body, "guichet_outbox_messages", "guichet_messages_sent_total"))
				}
			}
		})
	}
}

func grepLines(s string, prefixes ...string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		for _, p := range prefixes {
			if strings.HasPrefix(l, p) {
				out = append(out, l)
			}
		}
	}
	return strings.Join(out, "\n")
}
