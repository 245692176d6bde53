package dovecot

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"guichet/internal/testnet"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// Required reports whether a missing Dovecot must fail the test.
func Required() bool { return os.Getenv("GUICHET_TEST_REQUIRE_IMAP") == "1" }

// Server is one private Dovecot instance.
type Server struct {
	dir   string
	conf  string
	port  int
	users map[string]string

	mu     sync.Mutex
	master *exec.Cmd // dovecot -F, nil when stopped
	exited chan struct{}
}

// Start runs a private Dovecot with the given users (name → password), each
// with an empty INBOX, on a free loopback port. It is stopped in t.Cleanup.
func Start(t testing.TB, users map[string]string) *Server {
	t.Helper()
	if _, err := exec.LookPath("dovecot"); err != nil {
		unavailable(t, "dovecot is not installed (apt-get install -y dovecot-imapd): %v", err)
	}
	if os.Geteuid() != 0 {
		unavailable(t, "the private Dovecot configuration needs root (mail_uid=dovenull)")
	}
	mailUser, err := user.Lookup("dovenull")
	if err != nil {
		unavailable(t, "user dovenull missing: %v", err)
	}

	// t.TempDir is 0700 under a 0700 parent: Dovecot's unprivileged
	// processes could not reach it. Use our own directory and open it up.
	dir, err := os.MkdirTemp("", "guichet-dovecot-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"run", "mail"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}

	var passwd strings.Builder
	names := make([]string, 0, len(users))
	for name := range users {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if strings.ContainsAny(name+users[name], ":\n") {
			t.Fatalf("dovecot: user %q or its password contains ':' or a newline", name)
		}
		fmt.Fprintf(&passwd, "%s:{PLAIN}%s::::::\n", name, users[name])
	}
	if err := os.WriteFile(filepath.Join(dir, "users"), []byte(passwd.String()), 0o644); err != nil {
		t.Fatal(err)
	}

	s := &Server{dir: dir, conf: filepath.Join(dir, "dovecot.conf"), port: testnet.FreePort(t), users: users}
	conf := fmt.Sprintf(confTemplate, dir, s.port, mailUser.Uid, mailUser.Gid)
	if err := os.WriteFile(s.conf, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		// Create each Maildir now, owned by the mail user.
		if err := os.MkdirAll(filepath.Join(dir, "mail", name), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	s.chownMail(t)

	t.Cleanup(func() { s.stop(t) })
	s.Restart(t)
	return s
}

// confTemplate is the configuration a private Dovecot needs: $DIR, port,
// uid, gid.
const confTemplate = `protocols = imap
listen = 127.0.0.1
base_dir = %[1]s/run
instance_name = guichet-test-%[2]d
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
log_path = %[1]s/dovecot.log
mail_location = maildir:%[1]s/mail/%%u
first_valid_uid = 1
# A throwaway instance: no fsync per APPEND (a 2,000-message backlog
# appends in a second or two instead of half a minute).
mail_fsync = never
mail_uid = %[3]s
mail_gid = %[4]s
passdb {
  driver = passwd-file
  args = scheme=PLAIN %[1]s/users
}
userdb {
  driver = static
  args = uid=%[3]s gid=%[4]s home=%[1]s/mail/%%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = %[2]d
  }
  inet_listener imaps {
    port = 0
  }
  chroot =
}
service anvil {
  chroot =
}
`

func unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	if Required() {
		t.Fatalf("Dovecot required (GUICHET_TEST_REQUIRE_IMAP=1) but unavailable: "+format, args...)
	}
	t.Skipf("Dovecot unavailable (set GUICHET_TEST_REQUIRE_IMAP=1 to fail): "+format, args...)
}

func (s *Server) chownMail(t testing.TB) {
	t.Helper()
	out, err := exec.Command("chown", "-R", "dovenull:dovenull", filepath.Join(s.dir, "mail")).CombinedOutput()
	if err != nil {
		t.Fatalf("chown mail: %v: %s", err, out)
	}
}

// Addr is the server's host:port.
func (s *Server) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)) }

// URL is an imap:// URL for user on folder, without TLS (loopback only).
func (s *Server) URL(user, folder string) string {
	return fmt.Sprintf("imap://%s:%s@%s/%s?tls=none", user, s.users[user], s.Addr(), folder)
}

// Dir is the instance's directory (configuration, log, Maildirs).
func (s *Server) Dir() string { return s.dir }

// Log returns what Dovecot logged so far.
func (s *Server) Log() string {
	b, _ := os.ReadFile(filepath.Join(s.dir, "dovecot.log"))
	return string(b)
}

// Restart starts the server (again) on the same port and waits until it
// accepts connections.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.master != nil {
		s.stopLocked(t)
	}
	// -F keeps the master in the foreground as our child: no daemon to
	// leak, and Pdeathsig stops it if the test binary dies.
	out, err := os.OpenFile(filepath.Join(s.dir, "master.out"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	cmd := exec.Command("dovecot", "-F", "-c", s.conf)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start dovecot: %v", err)
	}
	s.master, s.exited = cmd, make(chan struct{})
	go func(exited chan struct{}) { cmd.Wait(); close(exited) }(s.exited)
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", s.Addr(), time.Second)
		if err == nil {
			c.Close()
			return
		}
		select {
		case <-s.exited:
			b, _ := os.ReadFile(out.Name())
			t.Fatalf("dovecot exited at start: %s\n%s", b, s.Log())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("dovecot did not listen on %s: %v\n%s", s.Addr(), err, s.Log())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Stop stops the server; Restart starts it again.
func (s *Server) Stop(t testing.TB) {
	t.Helper()
	s.stop(t)
}

func (s *Server) stop(t testing.TB) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.master != nil {
		s.stopLocked(t)
	}
}

func (s *Server) stopLocked(t testing.TB) {
	t.Helper()
	// SIGTERM makes the master stop its children and exit (what
	// "doveadm stop" sends); wait so the port and Maildir are free again.
	s.master.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(15 * time.Second):
		s.master.Process.Kill()
		<-s.exited
		t.Errorf("dovecot (pid %d) still running 15 s after SIGTERM", s.master.Process.Pid)
	}
	s.master = nil
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		c, err := net.DialTimeout("tcp", s.Addr(), 200*time.Millisecond)
		if err != nil {
			return
		}
		c.Close()
		time.Sleep(20 * time.Millisecond)
	}
}

// Kick disconnects every IMAP session of user, as a server crash or a
// network cut would, and waits until none is left.
// doveadm kick only signals the sessions' processes, and one may still
// serve a command already sent (a flag set after all) until it exits: Kick
// returns once the processes it kicked are gone.
func (s *Server) Kick(t testing.TB, user string) {
	t.Helper()
	pids := s.sessionPIDs(t, user)
	out, err := exec.Command("doveadm", "-c", s.conf, "kick", user).CombinedOutput()
	if err != nil && !strings.Contains(string(out), "not found") {
		t.Errorf("doveadm kick %s: %v: %s", user, err, out)
	}
	deadline := time.Now().Add(10 * time.Second)
	for _, pid := range pids {
		for syscall.Kill(pid, 0) == nil {
			if time.Now().After(deadline) {
				t.Fatalf("doveadm kick %s: process %d still there after 10 s", user, pid)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
}

// sessionPIDs are the processes serving user's sessions now.
func (s *Server) sessionPIDs(t testing.TB, user string) []int {
	t.Helper()
	out, err := exec.Command("doveadm", "-c", s.conf, "-f", "flow", "who", "-1", user).CombinedOutput()
	if err != nil {
		t.Fatalf("doveadm who %s: %v: %s", user, err, out)
	}
	var pids []int
	for _, field := range strings.Fields(string(out)) {
		if v, ok := strings.CutPrefix(field, "pid="); ok {
			if pid, err := strconv.Atoi(v); err == nil {
				pids = append(pids, pid)
			}
		}
	}
	return pids
}

// ResetUIDValidity gives user's INBOX a new UIDVALIDITY: stop, delete
// dovecot-uidlist and dovecot.index*, start. Dovecot then numbers every
// message again from UID 1.
func (s *Server) ResetUIDValidity(t testing.TB, user string) {
	t.Helper()
	s.Stop(t)
	maildir := filepath.Join(s.dir, "mail", user)
	old := uidValidityOf(filepath.Join(maildir, "dovecot-uidlist"))
	matches, _ := filepath.Glob(filepath.Join(maildir, "dovecot.index*"))
	matches = append(matches, filepath.Join(maildir, "dovecot-uidlist"))
	for _, m := range matches {
		if err := os.Remove(m); err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
	}
	// Dovecot derives a new UIDVALIDITY from the clock (seconds): wait
	// until it cannot equal the old one.
	for old != 0 && time.Now().Unix() <= int64(old) {
		time.Sleep(50 * time.Millisecond)
	}
	s.Restart(t)
}

// uidValidityOf reads the V field of a dovecot-uidlist header ("3 V… N…").
func uidValidityOf(path string) uint32 {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	line, _, _ := bytes.Cut(b, []byte("\n"))
	for _, f := range strings.Fields(string(line)) {
		if strings.HasPrefix(f, "V") {
			v, _ := strconv.ParseUint(f[1:], 10, 32)
			return uint32(v)
		}
	}
	return 0
}

// Client is a logged-in IMAP client for user, closed in t.Cleanup.
func (s *Server) Client(t testing.TB, user string) *imapclient.Client {
	t.Helper()
	c, err := imapclient.DialInsecure(s.Addr(), nil)
	if err != nil {
		t.Fatalf("dial dovecot: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Login(user, s.users[user]).Wait(); err != nil {
		t.Fatalf("login %s: %v", user, err)
	}
	return c
}

// Append puts one message into user's folder, creating the folder if
// needed, as an independent mail client would.
func (s *Server) Append(t testing.TB, user, folder string, raw []byte) {
	t.Helper()
	s.AppendN(t, user, folder, 1, func(int) []byte { return raw })
}

// AppendN appends n messages, msg(i) for i in [0, n), over one connection.
func (s *Server) AppendN(t testing.TB, user, folder string, n int, msg func(i int) []byte) {
	t.Helper()
	c := s.Client(t, user)
	defer c.Logout()
	if !strings.EqualFold(folder, "INBOX") {
		s.createFolder(t, c, folder)
	}
	for i := 0; i < n; i++ {
		raw := msg(i)
		cmd := c.Append(folder, int64(len(raw)), nil)
		if _, err := cmd.Write(raw); err != nil {
			t.Fatalf("append to %s: %v", folder, err)
		}
		if err := cmd.Close(); err != nil {
			t.Fatalf("append to %s: %v", folder, err)
		}
		if _, err := cmd.Wait(); err != nil {
			t.Fatalf("append to %s: %v", folder, err)
		}
	}
}

// Deposit puts n messages, msg(i) for i in [0, n), straight into user's
// INBOX Maildir as a local delivery agent would (written in tmp/, renamed
// into new/: the Maildir protocol), without IMAP. Dovecot numbers them at
// its next look at the mailbox. Tens of thousands of messages land in a
// second or two, where APPEND takes a round trip each.
func (s *Server) Deposit(t testing.TB, user string, n int, msg func(i int) []byte) {
	t.Helper()
	maildir := filepath.Join(s.dir, "mail", user)
	for _, d := range []string{"tmp", "new", "cur"} {
		if err := os.MkdirAll(filepath.Join(maildir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	stamp := time.Now()
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("%d.M%dP%dQ%d.guichet-test", stamp.Unix(), stamp.Nanosecond()/1000, os.Getpid(), i)
		tmp := filepath.Join(maildir, "tmp", name)
		if err := os.WriteFile(tmp, msg(i), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, filepath.Join(maildir, "new", name)); err != nil {
			t.Fatal(err)
		}
	}
	s.chownMail(t)
}

// CreateFolder creates a folder for user (no error when it exists).
func (s *Server) CreateFolder(t testing.TB, user, folder string) {
	t.Helper()
	c := s.Client(t, user)
	defer c.Logout()
	s.createFolder(t, c, folder)
}

func (s *Server) createFolder(t testing.TB, c *imapclient.Client, folder string) {
	t.Helper()
	err := c.Create(folder, nil).Wait()
	var ie *imap.Error
	if err != nil && !(errors.As(err, &ie) && ie.Code == imap.ResponseCodeAlreadyExists) {
		t.Fatalf("create %s: %v", folder, err)
	}
}

// Message is what Messages reports about one message.
type Message struct {
	UID       uint32
	Flags     []string
	MessageID string // without angle brackets, as IMAP ENVELOPE gives it
}

// Seen reports whether the message carries \Seen.
func (m Message) Seen() bool { return m.has(imap.FlagSeen) }

// Deleted reports whether the message carries \Deleted.
func (m Message) Deleted() bool { return m.has(imap.FlagDeleted) }

func (m Message) has(f imap.Flag) bool {
	for _, g := range m.Flags {
		if strings.EqualFold(g, string(f)) {
			return true
		}
	}
	return false
}

// Messages lists user's folder, read-only (EXAMINE, so nothing is flagged
// by looking), in UID order.
func (s *Server) Messages(t testing.TB, user, folder string) []Message {
	t.Helper()
	c := s.Client(t, user)
	defer c.Logout()
	sel, err := c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		t.Fatalf("examine %s: %v", folder, err)
	}
	if sel.NumMessages == 0 {
		return nil
	}
	bufs, err := c.Fetch(imap.SeqSet{{Start: 1, Stop: 0}}, &imap.FetchOptions{
		UID: true, Flags: true, Envelope: true,
	}).Collect()
	if err != nil {
		t.Fatalf("fetch %s: %v", folder, err)
	}
	out := make([]Message, 0, len(bufs))
	for _, b := range bufs {
		m := Message{UID: uint32(b.UID)}
		for _, f := range b.Flags {
			m.Flags = append(m.Flags, string(f))
		}
		if b.Envelope != nil {
			m.MessageID = b.Envelope.MessageID
		}
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].UID < out[j].UID })
	return out
}
