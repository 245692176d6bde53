package web_test

import (
	"context"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	gomail "github.com/emersion/go-message/mail"

	"guichet/web"
)

// TestLocalTime: with a zone configured, the tracking page and the
// « mes demandes » mail write local time the French way with the zone's
// name, machine-readable datetime attributes stay UTC, and the mail's Date
// carries the zone's offset.
func TestLocalTime(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, backends()[0].Open(t), func(o *web.Options) { o.Location = paris })
	_, _, link, _ := trackingFixture(t, e)
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	page := html.UnescapeString(e.get(t, u.RequestURI()).body)
	// The fixture's clock starts at 09:00 UTC, 10:00 in Paris in November.
	if !regexp.MustCompile(`jeudi 26 novembre 2026 à 10\x{a0}h\x{a0}\d\d \(heure de Paris\)`).MatchString(page) || strings.Contains(page, "(UTC)") {
		t.Errorf("tracking page does not write Paris time:\n%s", page)
	}
	if !regexp.MustCompile(`datetime="2026-11-26T09:\d\d:\d\dZ"`).MatchString(page) {
		t.Errorf("tracking page's datetime attributes are not UTC:\n%s", page)
	}

	e.do(t, "POST", "/mes-demandes", "", "adresse=awa%40example.org")
	out, err := e.st.Outbox(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	raw := out[len(out)-1].Raw
	mr, err := gomail.CreateReader(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	if d := mr.Header.Get("Date"); !strings.HasSuffix(d, " +0100") {
		t.Errorf("Date = %q, want Paris's winter offset +0100", d)
	}
	if text := textOf(t, raw); !strings.Contains(text, "valable jusqu’au vendredi 27 novembre 2026 à 10\u00a0h") ||
		!strings.Contains(text, "(heure de Paris)") {
		t.Errorf("link mail's expiry is not Paris time:\n%s", text)
	}
}
