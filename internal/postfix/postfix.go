package postfix

import (
	"fmt"
	"net"
	"net/smtp"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"guichet/internal/testnet"
)

// Required reports whether a missing Postfix must fail the test.
func Required() bool { return os.Getenv("GUICHET_TEST_REQUIRE_POSTFIX") == "1" }

// Config is what a test adds to the instance's configuration.
type Config struct {
	// Transport maps a relay domain to a transport ("guichet:"): a line
	// of the transport map, and the domain in relay_domains.
	Transport map[string]string
	// Main holds extra main.cf lines (name = value).
	Main []string
	// Master returns extra master.cf entries (the pipe transports) given
	// the instance's directory, where the test puts their programs.
	Master func(dir string) string
}

// Server is one private Postfix instance.
type Server struct {
	dir  string // everything: etc/, spool/, data/, maillog
	port int
}

// Start configures and starts a private Postfix; it is stopped in
// t.Cleanup.
func Start(t testing.TB, c Config) *Server {
	t.Helper()
	postfixBin, err := exec.LookPath("postfix")
	if err != nil {
		postfixBin = "/usr/sbin/postfix"
	}
	owner, uerr := user.Lookup("postfix")
	switch {
	case !executable(postfixBin) || !executable("/usr/sbin/postqueue"):
		skipOrFail(t, "Postfix is not installed (Debian: apt-get install postfix)")
	case os.Geteuid() != 0:
		skipOrFail(t, "a private Postfix must be started by root (its master drops to the postfix user)")
	case uerr != nil:
		skipOrFail(t, "no postfix user: "+uerr.Error())
	}

	// Not t.TempDir: its parents are 0700, and the pipe's unprivileged
	// user must reach the files the test puts here.
	dir, err := os.MkdirTemp("", "guichet-postfix-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	s := &Server{dir: dir, port: testnet.FreePort(t)}
	for _, d := range []string{"etc", "spool", "data"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// The master creates its lock file in data_directory as the mail owner.
	uid, _ := strconv.Atoi(owner.Uid)
	if err := os.Chown(filepath.Join(dir, "data"), uid, -1); err != nil {
		t.Fatal(err)
	}
	s.write(t, "etc/main.cf", s.mainCF(c))
	s.write(t, "etc/master.cf", s.masterCF(c))
	s.write(t, "etc/transport", transportMap(c.Transport))

	t.Cleanup(func() {
		if out, err := exec.Command(postfixBin, "-c", s.etc(), "stop").CombinedOutput(); err != nil {
			t.Logf("postfix stop: %v: %s", err, out)
		}
		if t.Failed() {
			t.Logf("Postfix log:\n%s", s.Log())
		}
		// The master's children may still be exiting: give them a moment
		// before the directory goes.
		time.Sleep(200 * time.Millisecond)
		os.RemoveAll(dir)
	})
	if out, err := exec.Command(postfixBin, "-c", s.etc(), "start").CombinedOutput(); err != nil {
		t.Fatalf("postfix start: %v: %s\n%s", err, out, s.Log())
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", s.Addr(), time.Second)
		if err == nil {
			conn.Close()
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("Postfix does not listen on %s: %v\n%s", s.Addr(), err, s.Log())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Dir is the instance's directory, mode 0755: tests put the pipe's
// program and configuration there.
func (s *Server) Dir() string { return s.dir }

// Addr is the SMTP listener.
func (s *Server) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)) }

func (s *Server) etc() string { return filepath.Join(s.dir, "etc") }

// Send submits msg over SMTP, as any client would.
func (s *Server) Send(t testing.TB, from string, to []string, msg string) {
	t.Helper()
	if err := smtp.SendMail(s.Addr(), nil, from, to, []byte(msg)); err != nil {
		t.Fatalf("SMTP to Postfix: %v\n%s", err, s.Log())
	}
}

// Queue is postqueue -p: "Mail queue is empty", or each queued message
// with the reason of its last deferral.
func (s *Server) Queue(t testing.TB) string {
	t.Helper()
	out, err := exec.Command("/usr/sbin/postqueue", "-c", s.etc(), "-p").CombinedOutput()
	if err != nil {
		t.Fatalf("postqueue -p: %v: %s", err, out)
	}
	return string(out)
}

// Flush is postqueue -f: deliver the deferred mail now.
func (s *Server) Flush(t testing.TB) {
	t.Helper()
	if out, err := exec.Command("/usr/sbin/postqueue", "-c", s.etc(), "-f").CombinedOutput(); err != nil {
		t.Fatalf("postqueue -f: %v: %s", err, out)
	}
}

// WaitQueue polls postqueue -p until done accepts its output; it fails the
// test after a minute.
func (s *Server) WaitQueue(t testing.TB, what string, done func(queue string) bool) string {
	t.Helper()
	return s.wait(t, what, done, nil)
}

// FlushUntil has Postfix retry its deferred mail (postqueue -f) until done
// accepts the queue, flushing again every few seconds: a flush that comes
// while the queue manager still holds the message from its last attempt
// is ignored, as an operator who flushes again would see.
func (s *Server) FlushUntil(t testing.TB, what string, done func(queue string) bool) string {
	t.Helper()
	return s.wait(t, what, done, func() { s.Flush(t) })
}

func (s *Server) wait(t testing.TB, what string, done func(queue string) bool, flush func()) string {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	var flushed time.Time
	for {
		if flush != nil && time.Since(flushed) > 5*time.Second {
			flush()
			flushed = time.Now()
		}
		q := s.Queue(t)
		if done(q) {
			return q
		}
		if time.Now().After(deadline) {
			t.Fatalf("Postfix queue: waited a minute for %s; queue:\n%s\nlog:\n%s", what, q, s.Log())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// Empty reports whether a postqueue -p output is an empty queue.
func Empty(queue string) bool { return strings.Contains(queue, "Mail queue is empty") }

// Log is the instance's log so far.
func (s *Server) Log() string {
	b, _ := os.ReadFile(filepath.Join(s.dir, "maillog"))
	return string(b)
}

func (s *Server) write(t testing.TB, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(s.dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func (s *Server) mainCF(c Config) string {
	domains := make([]string, 0, len(c.Transport))
	for d := range c.Transport {
		domains = append(domains, d)
	}
	sort.Strings(domains)
	lines := []string{
		"compatibility_level = 3.6",
		"config_directory = " + s.etc(),
		"queue_directory = " + filepath.Join(s.dir, "spool"),
		"data_directory = " + filepath.Join(s.dir, "data"),
		// Debian's locations of the programs (postconf -d).
		"daemon_directory = /usr/lib/postfix/sbin",
		"command_directory = /usr/sbin",
		"meta_directory = /etc/postfix",
		"shlib_directory = /usr/lib/postfix",
		"mail_owner = postfix",
		"setgid_group = postdrop",
		"myhostname = mx.postfix-test.invalid",
		"mydomain = postfix-test.invalid",
		"mydestination =",
		"alias_maps =",
		"alias_database =",
		"inet_interfaces = 127.0.0.1",
		"inet_protocols = ipv4",
		"mynetworks = 127.0.0.0/8",
		"relay_domains = " + strings.Join(domains, ", "),
		"transport_maps = texthash:" + filepath.Join(s.etc(), "transport"),
		"default_transport = error:no mail leaves this test instance",
		// No syslog daemon in a container: postlogd writes here.
		"maillog_file = " + filepath.Join(s.dir, "maillog"),
		"maillog_file_prefixes = " + s.dir,
		// Retries only on postqueue -f.
		"queue_run_delay = 1h",
		"minimal_backoff_time = 1h",
		"maximal_backoff_time = 2h",
	}
	return strings.Join(append(lines, c.Main...), "\n") + "\n"
}

// masterCF is Debian's master.cf, reduced to the services local delivery
// needs, without chroot (the chroot would need a copy of /etc files in the
// queue directory).
func (s *Server) masterCF(c Config) string {
	return fmt.Sprintf("127.0.0.1:%d inet n - n - - smtpd\n", s.port) + `pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
` + c.Master(s.dir)
}

func transportMap(m map[string]string) string {
	var b strings.Builder
	for d, tr := range m {
		fmt.Fprintf(&b, "%s %s\n", d, tr)
	}
	return b.String()
}

func executable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode()&0o111 != 0
}

func skipOrFail(t testing.TB, why string) {
	t.Helper()
	if Required() {
		t.Fatalf("Postfix required (GUICHET_TEST_REQUIRE_POSTFIX=1): %s", why)
	}
	t.Skipf("%s; set GUICHET_TEST_REQUIRE_POSTFIX=1 to fail instead", why)
}
