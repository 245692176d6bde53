package alerts

import (
	"bytes"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// readMail reads an .eml file into a Mail: headers decoded, body decoded
// from quoted-printable when it says so. (The pipeline uses mailparse; this
// keeps the package's tests free of it.)
func readMail(t *testing.T, path string) Mail {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var body io.Reader = msg.Body
	if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		body = quotedprintable.NewReader(body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		t.Fatalf("%s: body: %v", path, err)
	}
	dec := new(mime.WordDecoder)
	subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatalf("%s: subject: %v", path, err)
	}
	from := ""
	if a, err := mail.ParseAddress(msg.Header.Get("From")); err == nil {
		from = strings.ToLower(a.Address)
	}
	date, _ := msg.Header.Date()
	return Mail{From: from, Subject: subject, Body: string(b), Date: date}
}

func TestParseFixtures(t *testing.T) {
	cases := []struct {
		file     string
		source   string
		host     string
		service  string
		state    State
		severity string
		hostDown bool
		at       string // RFC 3339, "" when not checked
	}{
		{"nagios-service-problem.eml", SourceNagios, "web01", "HTTP", Problem, "CRITICAL", false, "2026-11-26T08:59:12Z"},
		{"nagios-service-recovery.eml", SourceNagios, "web01", "HTTP", Recovery, "OK", false, ""},
		{"nagios-host-down.eml", SourceNagios, "db02", "", Problem, "DOWN", true, ""},
		{"nagios-ack.eml", SourceNagios, "web01", "HTTP", Acknowledgement, "CRITICAL", false, ""},
		{"icinga1-service-problem.eml", SourceIcinga, "mail01", "SMTP", Problem, "WARNING", false, ""},
		{"icinga2-service-problem.eml", SourceIcinga, "portail.centre.example", "Ping IPv4", Problem, "CRITICAL", false, "2026-11-26T09:00:00Z"},
		{"icinga2-service-recovery.eml", SourceIcinga, "portail.centre.example", "Ping IPv4", Recovery, "OK", false, ""},
		{"icinga2-host-down.eml", SourceIcinga, "portail.centre.example", "", Problem, "DOWN", true, ""},
		{"centreon-service-problem.eml", SourceCentreon, "srv-ad01", "Disk-C", Problem, "CRITICAL", false, "2026-11-26T10:00:00Z"},
		{"centreon-service-recovery.eml", SourceCentreon, "srv-ad01", "Disk-C", Recovery, "OK", false, ""},
		{"zabbix-problem.eml", SourceZabbix, "app03", "Load average is too high (per CPU load over 1.5 for 5m)", Problem, "Average", false, "2026-11-26T11:00:00Z"},
		{"zabbix-resolved.eml", SourceZabbix, "app03", "Load average is too high (per CPU load over 1.5 for 5m)", Recovery, "Average", false, "2026-11-26T11:25:00Z"},
		{"zabbix4-resolved.eml", SourceZabbix, "app04", "Zabbix agent on app04 is unreachable for 5 minutes", Recovery, "Average", false, ""},
		{"zabbix-ack.eml", SourceZabbix, "", "Load average is too high (per CPU load over 1.5 for 5m)", Acknowledgement, "", false, ""},
		{"alertmanager-firing.eml", SourceAlertmanager, "node01:9100", "NodeFilesystemAlmostFull", Problem, "critical", false, ""},
		{"alertmanager-resolved.eml", SourceAlertmanager, "node01:9100", "NodeFilesystemAlmostFull", Recovery, "critical", false, ""},
		{"grafana-firing.eml", SourceGrafana, "portail.centre.example", "HighLatency", Problem, "", false, ""},
		{"grafana-resolved.eml", SourceGrafana, "portail.centre.example", "HighLatency", Recovery, "", false, ""},
		{"grafana-legacy-alerting.eml", SourceGrafana, "", "Messagerie : file d'attente", Problem, "Alerting", false, ""},
		{"grafana-legacy-ok.eml", SourceGrafana, "", "Messagerie : file d'attente", Recovery, "OK", false, ""},
		{"kuma-down.eml", SourceUptimeKuma, "Portail citoyen", "", Problem, "Down", true, "2026-11-26T16:00:00Z"},
		{"kuma-up.eml", SourceUptimeKuma, "Portail citoyen", "", Recovery, "Up", false, ""},
		{"checkmk-service-crit.eml", SourceCheckmk, "fs01", "Filesystem /data", Problem, "CRIT", false, ""},
		{"checkmk-service-ok.eml", SourceCheckmk, "fs01", "Filesystem /data", Recovery, "OK", false, ""},
		{"checkmk-host-down.eml", SourceCheckmk, "sw-core01", "", Problem, "DOWN", true, ""},
		{"monit-connection-failed.eml", SourceMonit, "web02.centre.example", "php-fpm", Problem, "Connection failed", false, "2026-11-26T17:00:00Z"},
		{"monit-connection-succeeded.eml", SourceMonit, "web02.centre.example", "php-fpm", Recovery, "Connection succeeded", false, ""},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			a := Parse(readMail(t, filepath.Join("testdata", c.file)), nil)
			if a.Source != c.source || a.Host != c.host || a.Service != c.service || a.State != c.state ||
				a.Severity != c.severity || a.HostDown != c.hostDown {
				t.Errorf("Parse = %+v, want source %q host %q service %q state %s severity %q hostDown %v",
					a, c.source, c.host, c.service, c.state, c.severity, c.hostDown)
			}
			if c.at != "" {
				want, _ := time.Parse(time.RFC3339, c.at)
				if !a.At.Equal(want) {
					t.Errorf("Parse(…).At = %s, want %s", a.At.UTC().Format(time.RFC3339), c.at)
				}
			}
		})
	}
}

// TestKeysPair: every problem fixture and its recovery share one key, and
// different checks do not.
func TestKeysPair(t *testing.T) {
	pairs := [][2]string{
		{"nagios-service-problem.eml", "nagios-service-recovery.eml"},
		{"nagios-service-problem.eml", "nagios-ack.eml"},
		{"icinga2-service-problem.eml", "icinga2-service-recovery.eml"},
		{"centreon-service-problem.eml", "centreon-service-recovery.eml"},
		{"zabbix-problem.eml", "zabbix-resolved.eml"},
		{"alertmanager-firing.eml", "alertmanager-resolved.eml"},
		{"grafana-firing.eml", "grafana-resolved.eml"},
		{"grafana-legacy-alerting.eml", "grafana-legacy-ok.eml"},
		{"kuma-down.eml", "kuma-up.eml"},
		{"checkmk-service-crit.eml", "checkmk-service-ok.eml"},
		{"monit-connection-failed.eml", "monit-connection-succeeded.eml"},
	}
	seen := map[string]string{}
	for _, p := range pairs {
		a := Parse(readMail(t, filepath.Join("testdata", p[0])), nil)
		b := Parse(readMail(t, filepath.Join("testdata", p[1])), nil)
		if a.Key() != b.Key() {
			t.Errorf("keys differ: %s → %q, %s → %q", p[0], a.Key(), p[1], b.Key())
		}
		if prev, ok := seen[a.Key()]; ok && prev != p[0] {
			t.Errorf("%s and %s share key %q", prev, p[0], a.Key())
		}
		seen[a.Key()] = p[0]
	}
	if k := Parse(readMail(t, "testdata/nagios-service-problem.eml"), nil).Key(); k != "nagios/web01/http" {
		t.Errorf("Key() = %q, want nagios/web01/http", k)
	}
}

func TestKeyNormalised(t *testing.T) {
	cases := []struct {
		name string
		a, b Alert
	}{
		{"case and spaces", Alert{Source: "nagios", Host: "Web01", Service: "HTTP  check"}, Alert{Source: "nagios", Host: "web01", Service: "http check"}},
		{"trailing dot of a FQDN", Alert{Source: "icinga", Host: "web01.example."}, Alert{Source: "icinga", Host: "web01.example"}},
	}
	for _, c := range cases {
		if c.a.Key() != c.b.Key() {
			t.Errorf("%s: %q != %q", c.name, c.a.Key(), c.b.Key())
		}
	}
	long := Alert{Source: SourceMail, Host: "x@example.org", Service: strings.Repeat("é", 500)}
	if n := len([]rune(long.Key())); n != maxKeyRunes {
		t.Errorf("long key has %d runes, want %d", n, maxKeyRunes)
	}
}

// TestSubjectOverBody: the body's state wins (Nagios and Icinga 2 mail
// whose subject was not updated).
func TestSubjectOverBody(t *testing.T) {
	cases := []struct {
		name string
		m    Mail
		want State
	}{
		{"nagios PROBLEM subject, State: OK", Mail{Subject: "** PROBLEM Service Alert: h1/CPU Load is WARNING **",
			Body: "***** Nagios *****\n\nNotification Type: PROBLEM\n\nService: CPU Load\nHost: h1\nState: OK\n"}, Recovery},
		{"icinga2 PROBLEM tag, is OK", Mail{Subject: "[PROBLEM] RBL check on h1 is OK!",
			Body: "***** Icinga 2 Service Monitoring on h1 *****\n\n==> RBL check on h1 is OK! <==\n\nWhen:    2017-08-06 22:18:43 +0200\nService: RBL check (Display Name: \"RBL check\")\nHost:    h1 (Display Name: \"h1\")\n"}, Recovery},
		{"nagios flapping stop", Mail{Subject: "** FLAPPINGSTOP Service Alert: h1/HTTP is CRITICAL **",
			Body: "***** Nagios *****\n\nNotification Type: FLAPPINGSTOP\n\nService: HTTP\nHost: h1\nState: CRITICAL\n"}, Unknown},
		{"monit does not exist", Mail{Subject: "monit alert --  Does not exist php-fpm",
			Body: "Does not exist Service php-fpm\n\n    Date:        Thu, 24 Aug 2017 10:36:39\n    Action:      restart\n    Host:        web1.example\n"}, Problem},
	}
	for _, c := range cases {
		if got := Parse(c.m, nil).State; got != c.want {
			t.Errorf("%s: Parse(…).State = %s, want %s", c.name, got, c.want)
		}
	}
}

func TestRules(t *testing.T) {
	rule, err := Compile(RuleSpec{
		Name: "sauvegardes", From: "*@nas.centre.example", Category: "3.2",
		Subject:  `^(?P<state>ECHEC|SUCCES) sauvegarde (?P<host>\S+) : (?P<service>job \S+)`,
		Recovery: `^SUCCES`,
	})
	if err != nil {
		t.Fatal(err)
	}
	m := readMail(t, "testdata/script-disk.eml")
	a := Parse(m, []Rule{rule})
	if a.Source != "sauvegardes" || a.Host != "nas01" || a.Service != "job quotidien" || a.State != Problem ||
		a.Category != "3.2" || a.Rule != "sauvegardes" {
		t.Errorf("Parse with rule = %+v", a)
	}
	m.Subject = "SUCCES sauvegarde nas01 : job quotidien 2026-11-27 03:00"
	if b := Parse(m, []Rule{rule}); b.State != Recovery || b.Key() != a.Key() {
		t.Errorf("recovery with rule = %+v (key %q), want recovery with key %q", b, b.Key(), a.Key())
	}

	// Without a rule the same mail is an Unknown alert keyed on sender and
	// subject without its date and time.
	m.Subject = "ECHEC sauvegarde nas01 : job quotidien 2026-11-26 03:00"
	u1 := Parse(m, nil)
	m.Subject = "ECHEC sauvegarde nas01 : job quotidien 2026-11-27 03:00"
	u2 := Parse(m, nil)
	if u1.Source != SourceMail || u1.State != Unknown || u1.Key() != u2.Key() {
		t.Errorf("unparsed mail: %+v / %+v, want source mail, unknown, same key", u1, u2)
	}

	bad := []RuleSpec{{Name: "x", Subject: "("}, {Name: "y", Body: "[z"}, {Name: "z", From: "[a"}}
	for _, s := range bad {
		if _, err := Compile(s); err == nil {
			t.Errorf("Compile(%+v) accepted a broken expression", s)
		}
	}
}

func TestRuleMatches(t *testing.T) {
	cases := []struct {
		from, sender string
		want         bool
	}{
		{"nagios@mon.example", "Nagios@Mon.Example", true},
		{"nagios@mon.example", "icinga@mon.example", false},
		{"@mon.example", "zabbix@mon.example", true},
		{"@mon.example", "zabbix@evilmon.example", false},
		{"*@mon.example", "zabbix@mon.example", true},
		{"", "zabbix@mon.example", false},
	}
	for _, c := range cases {
		r, err := Compile(RuleSpec{Name: "r", From: c.from})
		if err != nil {
			t.Fatal(err)
		}
		if got := r.Matches(c.sender); got != c.want {
			t.Errorf("Rule{From: %q}.Matches(%q) = %v, want %v", c.from, c.sender, got, c.want)
		}
	}
}

func TestDecide(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	none := Incident{}
	open := Incident{Found: true, Since: now.Add(-5 * time.Minute)}
	recent := Incident{Found: true, Resolved: true, Since: now.Add(-30 * time.Minute)}
	old := Incident{Found: true, Resolved: true, Since: now.Add(-2 * time.Hour)}
	cases := []struct {
		name string
		st   State
		inc  Incident
		want Decision
	}{
		{"first problem opens", Problem, none, Decision{Open: true, Notify: true}},
		{"repeat joins", Problem, open, Decision{Join: true, Repeat: true, Notify: true}},
		{"recovery resolves", Recovery, open, Decision{Join: true, Resolve: true}},
		{"ack joins", Acknowledgement, open, Decision{Join: true}},
		{"flapping reopens", Problem, recent, Decision{Join: true, Repeat: true, Reopen: true, Notify: true}},
		{"late problem opens anew", Problem, old, Decision{Open: true, Notify: true}},
		{"second recovery joins", Recovery, recent, Decision{Join: true}},
		{"lone recovery is recorded resolved", Recovery, none, Decision{Open: true, Resolve: true}},
		{"lone ack is kept unticketed", Acknowledgement, none, Decision{}},
		{"unknown opens", Unknown, none, Decision{Open: true, Notify: true}},
		{"unknown repeats", Unknown, open, Decision{Join: true, Repeat: true}},
		{"unknown after resolution joins quietly", Unknown, recent, Decision{Join: true}},
	}
	for _, c := range cases {
		if got := Decide(c.st, c.inc, now, time.Hour); got != c.want {
			t.Errorf("%s: Decide(%s) = %+v, want %+v", c.name, c.st, got, c.want)
		}
	}
}

// TestRealCorpus reads the shared corpus's monitoring mail (files 126–140):
// every one is a recovery, whatever its subject says.
func TestRealCorpus(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "corpus", "real")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("shared corpus absent")
	}
	cases := []struct {
		file string
		key  string
	}{
		{"126-alert-nagios-host-up-znuny.eml", "nagios/delphin/"},
		{"128-alert-nagios-service-ok-problem-subject.eml", "nagios/host.internal.loc/cpu load"},
		{"130-alert-nagios-host-up.eml", "nagios/apn4711.dc.example.com/"},
		{"132-alert-icinga-rbl-ok.eml", "icinga/apn4711.dc.example.com/rbl check"},
		{"134-alert-icinga-ping-ok.eml", "icinga/apn4711.dc.example.com/ping ipv4"},
		{"136-alert-icinga-host-up.eml", "icinga/apn4709.dc.example.com/"},
		{"138-alert-monit-action-done.eml", "monit/web1.example/php-fpm"},
		{"140-alert-monit-connection-succeeded.eml", "monit/web5.host.example/host.example"},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			path := filepath.Join(dir, c.file)
			if _, err := os.Stat(path); err != nil {
				t.Skip("file absent")
			}
			a := Parse(readMail(t, path), nil)
			if a.State != Recovery || a.Key() != c.key {
				t.Errorf("Parse = %+v (key %q), want a recovery with key %q", a, a.Key(), c.key)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add("** PROBLEM Service Alert: a/b is CRITICAL **", "Host: a\nState: OK\n")
	f.Add("[FIRING:1] X (y)", "Labels:\n - alertname = X\n")
	f.Add("Check_MK: a - UP -> DOWN", "")
	f.Add("monit alert -- x", "x Service y")
	f.Fuzz(func(t *testing.T, subject, body string) {
		a := Parse(Mail{Subject: subject, Body: body}, nil)
		switch a.State {
		case Problem, Recovery, Acknowledgement, Unknown:
		default:
			t.Errorf("Parse(%q, %q).State = %q", subject, body, a.State)
		}
		_ = a.Key()
	})
}
