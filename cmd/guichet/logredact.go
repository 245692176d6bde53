package main

import (
	"fmt"
	"log/slog"

	"guichet/redact"
)

// redactAttr is the loggers' ReplaceAttr: whatever part logs it, a URL's
// password, a signed reply address's signature (the agent's proof of
// identity) or a tracking token never reaches the log; the ticket number
// and the host stay readable.
func redactAttr(_ []string, a slog.Attr) slog.Attr {
	switch a.Value.Kind() {
	case slog.KindString:
		if r, ok := redacted(a.Value.String()); ok {
			a.Value = slog.StringValue(r)
		}
	case slog.KindAny:
		switch v := a.Value.Any().(type) {
		case []string:
			var out []string
			for i, s := range v {
				if r, ok := redacted(s); ok {
					if out == nil {
						out = append([]string(nil), v...)
					}
					out[i] = r
				}
			}
			if out != nil {
				a.Value = slog.AnyValue(out)
			}
		case error:
			if r, ok := redacted(v.Error()); ok {
				a.Value = slog.StringValue(r)
			}
		case fmt.Stringer:
			if r, ok := redacted(v.String()); ok {
				a.Value = slog.StringValue(r)
			}
		}
	}
	return a
}

// redacted is s redacted, and whether that changed it.
func redacted(s string) (string, bool) {
	r := redact.Text(s)
	return r, r != s
}
