package main

import (
	"bytes"
	"context"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionLine(t *testing.T) {
	vcs := func(modified string) []debug.BuildSetting {
		return []debug.BuildSetting{
			{Key: "-trimpath", Value: "true"},
			{Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b"},
			{Key: "vcs.time", Value: "2026-12-04T20:00:00Z"},
			{Key: "vcs.modified", Value: modified},
		}
	}
	for _, tc := range []struct {
		name   string
		linked string
		bi     *debug.BuildInfo
		want   string
	}{
		{
			name:   "package build: the linker's version wins",
			linked: "0.3.0",
			bi:     &debug.BuildInfo{GoVersion: "go1.26.9", Main: debug.Module{Version: "v0.3.0"}, Settings: vcs("false")},
			want:   "guichet 0.3.0 (commit 1a2b3c4, 2026-12-04T20:00:00Z, go1.26.9)",
		},
		{
			name: "go build from a tagged checkout",
			bi:   &debug.BuildInfo{GoVersion: "go1.26.9", Main: debug.Module{Version: "v0.3.0"}, Settings: vcs("false")},
			want: "guichet 0.3.0 (commit 1a2b3c4, 2026-12-04T20:00:00Z, go1.26.9)",
		},
		{
			name: "uncommitted changes",
			bi:   &debug.BuildInfo{GoVersion: "go1.26.9", Main: debug.Module{Version: "v0.0.0-20261204200000-1a2b3c4d5e6f+dirty"}, Settings: vcs("true")},
			want: "guichet 0.0.0-20261204200000-1a2b3c4d5e6f+dirty (commit 1a2b3c4+dirty, 2026-12-04T20:00:00Z, go1.26.9)",
		},
		{
			name: "go run or go test: no VCS information",
			bi:   &debug.BuildInfo{GoVersion: "go1.26.9", Main: debug.Module{Version: "(devel)"}},
			want: "guichet (devel) (go1.26.9)",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := versionLine(tc.linked, tc.bi); got != tc.want {
				t.Errorf("versionLine(%q, …) = %q, want %q", tc.linked, got, tc.want)
			}
		})
	}
	if got := versionLine("1.0.0", nil); !strings.HasPrefix(got, "guichet 1.0.0 (go") {
		t.Errorf("versionLine without build information = %q, want guichet 1.0.0 (goX)", got)
	}
}

func TestVersionCommand(t *testing.T) {
	line := regexp.MustCompile(`^guichet \S+ \(.*go1\.[0-9.]+\)\n$`)
	for _, tc := range []struct {
		args     []string
		wantCode int
		stdout   *regexp.Regexp
	}{
		{[]string{"version"}, exitOK, line},
		{[]string{"--version"}, exitOK, line},
		{[]string{"version", "--help"}, exitOK, regexp.MustCompile(`^Usage: guichet version`)},
		{[]string{"version", "extra"}, exitUsage, regexp.MustCompile(`^$`)},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(context.Background(), tc.args, env{stdout: &out, stderr: &errb, getenv: func(string) string { return "" }})
			if code != tc.wantCode || !tc.stdout.MatchString(out.String()) {
				t.Errorf("run(%q) = %d, stdout %q, stderr %q; want %d, stdout matching %s", tc.args, code, out.String(), errb.String(), tc.wantCode, tc.stdout)
			}
		})
	}
}
