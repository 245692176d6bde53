package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"guichet/internal/pgtest"
	"guichet/internal/postfix"
)

// pipeUser is the unprivileged user Postfix's pipe runs guichet ingest as.
type pipeUser struct{ uid, gid int }

// brokenSetUp is an operator's mistake: the configuration file that has
// it, the words the deferral must show, and the fix.
type brokenSetUp struct {
	name  string
	setUp func(t *testing.T, dir string, u pipeUser) (conf, reason string, fix func())
}

// TestPostfixPipe delivers through a real Postfix whose pipe transport runs
// guichet ingest as docs/postfix.md sets it up (user=, flags=Rq, --config):
// a set-up error leaves the message deferred in Postfix's queue with
// guichet's one-line reason, the fix and postqueue -f deliver it once, and
// a message to two recipients makes one ticket, with one recipient per
// delivery (the documented recipient limit) as with both in one.
func TestPostfixPipe(t *testing.T) {
	cases := []brokenSetUp{
		{name: "sqlite: a data directory the pipe's user cannot create", setUp: func(t *testing.T, dir string, u pipeUser) (string, string, func()) {
			parent := filepath.Join(dir, "lib")
			if err := os.Mkdir(parent, 0o755); err != nil {
				t.Fatal(err)
			}
			conf := fmt.Sprintf("data_dir = %q\n", filepath.Join(parent, "guichet"))
			return conf, "permission denied", func() {
				if err := os.Chown(parent, u.uid, u.gid); err != nil {
					t.Fatal(err)
				}
			}
		}},
		{name: "postgres: a misspelt database name", setUp: func(t *testing.T, dir string, u pipeUser) (string, string, func()) {
			good := pgtest.URL(t)
			bad, err := url.Parse(good)
			if err != nil {
				t.Fatal(err)
			}
			bad.Path += "_misspelt"
			data := filepath.Join(dir, "guichet-data")
			if err := os.Mkdir(data, 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.Chown(data, u.uid, u.gid); err != nil {
				t.Fatal(err)
			}
			conf := fmt.Sprintf("data_dir = %q\ndatabase_url = %%q\n", data)
			return fmt.Sprintf(conf, bad.String()), "does not exist", func() {
				writeConfig(t, dir, fmt.Sprintf(conf, good))
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { testPostfixPipe(t, c) })
	}
}

func testPostfixPipe(t *testing.T, c brokenSetUp) {
	pf := postfix.Start(t, postfix.Config{
		Transport: map[string]string{"support.test": "guichet:", "multi.test": "guichetmulti:"},
		Main:      []string{"guichet_destination_recipient_limit = 1"},
		Master: func(dir string) string {
			return pipeService(dir, "guichet", "--sender=${sender} --rcpt=${recipient}") +
				// Without the recipient limit: ${recipient} expands to one
				// argument per recipient.
				pipeService(dir, "guichetmulti", "--sender ${sender} --rcpt ${recipient}")
		},
	})
	nobody, err := user.Lookup("nobody")
	if err != nil {
		t.Fatalf("no user nobody for the pipe: %v", err)
	}
	var u pipeUser
	u.uid, _ = strconv.Atoi(nobody.Uid)
	u.gid, _ = strconv.Atoi(nobody.Gid)

	dir := pf.Dir()
	bin := filepath.Join(dir, "guichet")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	conf, reason, fix := c.setUp(t, dir, u)
	writeConfig(t, dir, conf)

	tickets := func() int {
		t.Helper()
		cmd := exec.Command(bin, "tickets", "--json", "--config", filepath.Join(dir, "guichet.toml"))
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(u.uid), Gid: uint32(u.gid)}}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("guichet tickets: %v: %s", err, stderr.String())
		}
		var list []json.RawMessage
		if err := json.Unmarshal(out, &list); err != nil {
			t.Fatalf("guichet tickets --json: %v: %s", err, out)
		}
		return len(list)
	}
	message := func(id string) string {
		return "From: Awa Diop <awa.diop@example.org>\r\n" +
			"To: support@support.test\r\n" +
			"Subject: [1.7] Plateforme inaccessible " + id + "\r\n" +
			"Message-ID: <" + id + "@example.org>\r\n" +
			"Date: Thu, 26 Nov 2026 09:14:00 +0000\r\n" +
			"Content-Type: text/plain; charset=utf-8\r\n" +
			"\r\nBonjour,\r\nLa plateforme ne répond plus.\r\n"
	}

	// 1. Broken: deferred with our one-line reason, never bounced.
	pf.Send(t, "awa.diop@example.org", []string{"support@support.test"}, message("deferred"))
	q := pf.WaitQueue(t, "the message deferred by guichet ingest", func(q string) bool {
		return strings.Contains(q, "guichet ingest:")
	})
	if !strings.Contains(q, reason) {
		t.Errorf("the deferral's reason should say %q:\n%s", reason, q)
	}

	// 2. Fixed: postqueue -f delivers it.
	fix()
	pf.FlushUntil(t, "the deferred message delivered after the fix", postfix.Empty)
	if n := tickets(); n != 1 {
		t.Errorf("after the fix: %d tickets, want 1", n)
	}

	// 3. Two recipients, one delivery each (recipient limit 1).
	pf.Send(t, "awa.diop@example.org", []string{"support@support.test", "aide@support.test"}, message("two-deliveries"))
	pf.WaitQueue(t, "the two-recipient message delivered", postfix.Empty)
	// 4. Two recipients in one delivery: --rcpt a b.
	pf.Send(t, "awa.diop@example.org", []string{"support@multi.test", "aide@multi.test"}, message("one-delivery"))
	pf.WaitQueue(t, "the message for two recipients in one delivery", postfix.Empty)

	if n := tickets(); n != 3 {
		t.Errorf("%d tickets, want 3: one per message", n)
	}
	log := pf.Log()
	if strings.Contains(log, "status=bounced") {
		t.Errorf("Postfix bounced a message:\n%s", log)
	}
	// Exactly once: one deferral, then one delivery per recipient.
	for rcpt, want := range map[string]int{
		"support@support.test": 3, // the first message's deferral and delivery, the second's delivery
		"aide@support.test":    1,
		"support@multi.test":   1,
		"aide@multi.test":      1,
	} {
		if got := strings.Count(log, "to=<"+rcpt+">, relay="); got != want {
			t.Errorf("%s: %d delivery attempts, want %d", rcpt, got, want)
		}
	}
	if got := strings.Count(log, "status=sent"); got != 5 {
		t.Errorf("%d deliveries, want 5 (one per recipient of each message):\n%s", got, log)
	}
}

// writeConfig writes the pipe's configuration file, readable by its user.
func writeConfig(t *testing.T, dir, settings string) {
	t.Helper()
	conf := "support_address = \"support@support.test\"\n" + settings
	if err := os.WriteFile(filepath.Join(dir, "guichet.toml"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
}

// pipeService is a master.cf pipe(8) entry running the test's binary as
// docs/postfix.md shows: an unprivileged user, flags=Rq, --config.
func pipeService(dir, name, args string) string {
	return fmt.Sprintf("%s unix - n n - - pipe\n  flags=Rq user=nobody argv=%s ingest --config %s %s\n",
		name, filepath.Join(dir, "guichet"), filepath.Join(dir, "guichet.toml"), args)
}
