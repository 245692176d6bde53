package mailparse

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// assertClean checks the package's guarantees on any Message: every string
// valid UTF-8, no control characters in header-derived strings, bodies with
// only \n and \t.
func assertClean(t testing.TB, m *Message) {
	t.Helper()
	if m == nil {
		t.Fatal("Parse returned nil")
	}
	header := func(name, s string) {
		t.Helper()
		if !utf8.ValidString(s) {
			t.Errorf("%s = %q, not valid UTF-8", name, s)
		}
		for _, r := range s {
			if isControl(r) {
				t.Errorf("%s = %q, has control character %U", name, s, r)
				break
			}
		}
	}
	body := func(name, s string) {
		t.Helper()
		if !utf8.ValidString(s) {
			t.Errorf("%s is not valid UTF-8", name)
		}
		for _, r := range s {
			if r != '\n' && r != '\t' && isControl(r) {
				t.Errorf("%s has control character %U", name, r)
				break
			}
		}
	}
	addr := func(name string, a Address) {
		t.Helper()
		header(name+".Name", a.Name)
		header(name+".Addr", a.Addr)
	}
	addr("From", m.From)
	addr("Sender", m.Sender)
	for _, list := range [][]Address{m.ReplyTo, m.To, m.Cc} {
		for _, a := range list {
			addr("address", a)
		}
	}
	header("Subject", m.Subject)
	header("MessageID", m.MessageID)
	header("InReplyTo", m.InReplyTo)
	for _, r := range m.References {
		header("References", r)
	}
	header("ContentType", m.ContentType)
	header("ReportType", m.ReportType)
	for k, vs := range m.Header {
		header("Header key", k)
		for _, v := range vs {
			header("Header["+k+"]", v)
		}
	}
	for _, p := range m.Problems {
		header("Problem", p)
	}
	body("Text", m.Text)
	body("FullText", m.FullText)
	body("HTML", m.HTML)
	for _, a := range m.Attachments {
		header("Attachment.Filename", a.Filename)
		header("Attachment.ContentType", a.ContentType)
		header("Attachment.ContentID", a.ContentID)
		if a.Filename == "" || strings.ContainsAny(a.Filename, `/\`) {
			t.Errorf("Attachment.Filename = %q, want a non-empty base name", a.Filename)
		}
	}
}

func equal(a, b any) bool { return reflect.DeepEqual(a, b) }
