package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"strings"
	"testing"

	"guichet/config"
)

// TestLogSettings: GUICHET_LOG_FORMAT=json gives one JSON object a line,
// redacted like the text form; GUICHET_LOG_LEVEL filters; both come from
// the configuration like every setting.
func TestLogSettings(t *testing.T) {
	for _, tc := range []struct {
		name     string
		env      map[string]string
		wantJSON bool
		wantInfo bool
	}{
		{"defaults", nil, false, true},
		{"json", map[string]string{"GUICHET_LOG_FORMAT": "json"}, true, true},
		{"json, warn", map[string]string{"GUICHET_LOG_FORMAT": "JSON", "GUICHET_LOG_LEVEL": "warn"}, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := flag.NewFlagSet("test", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			config.Register(fs)
			if err := fs.Parse([]string{"--config", ""}); err != nil {
				t.Fatal(err)
			}
			c, err := config.Load(fs, func(k string) string { return tc.env[k] })
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			log := logger(env{stderr: &buf}, c)
			log.Info("message stored", "rcpt", "support+2026-000042.agent.abcdefgh2345@centre.example")
			log.Warn("relay refused", "err", "dial smtp://u:Pa55@relay.example:25")
			out := buf.String()
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if want := map[bool]int{true: 2, false: 1}[tc.wantInfo]; len(lines) != want {
				t.Fatalf("%d lines, want %d:\n%s", len(lines), want, out)
			}
			for _, l := range lines {
				var obj map[string]any
				isJSON := json.Unmarshal([]byte(l), &obj) == nil
				if isJSON != tc.wantJSON {
					t.Errorf("line %q: JSON = %v, want %v", l, isJSON, tc.wantJSON)
				}
			}
			for _, secret := range []string{"abcdefgh2345", "Pa55"} {
				if strings.Contains(out, secret) {
					t.Errorf("log shows %q: %s", secret, out)
				}
			}
		})
	}
	t.Run("unknown format", func(t *testing.T) {
		fs := flag.NewFlagSet("test", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		config.Register(fs)
		if err := fs.Parse([]string{"--config", "", "--log-format", "xml"}); err != nil {
			t.Fatal(err)
		}
		_, err := config.Load(fs, func(string) string { return "" })
		if err == nil || !strings.Contains(err.Error(), "text or json") {
			t.Errorf("Load with --log-format xml = %v, want an error naming text or json", err)
		}
	})
}
