package config

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// writeFile writes a configuration file and returns its path.
func writeFile(t *testing.T, src string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "guichet.toml")
	if err := os.WriteFile(p, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// load runs Load as serve does: flags parsed, then the environment.
func load(t *testing.T, env map[string]string, flags ...string) (*Config, error) {
	t.Helper()
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	Register(fs)
	if err := fs.Parse(flags); err != nil {
		t.Fatal(err)
	}
	return Load(fs, envOf(env))
}

func TestPrecedence(t *testing.T) {
	file := writeFile(t, `
database_url = "postgres://file/guichet"
secret = "secret-from-the-file-0123456789abcdef"
smtp_rate = 7
retry_min = "5m"
domains = ["File.Example", "other.example"]
smtp_max_conns_per_ip = 3
trusted_relays = ["192.0.2.25", "198.51.100.0/24"]
trusted_proxies = "127.0.0.1, 2001:db8::/64"
`)
	get := map[string]func(c *Config) any{
		"database_url": func(c *Config) any { return c.DatabaseURL },
		"secret":       func(c *Config) any { return c.Secret },
		"smtp_rate":    func(c *Config) any { return c.SMTPRate },
		"retry_min":    func(c *Config) any { return c.RetryMin },
		"domains":      func(c *Config) any { return strings.Join(c.Domains, " ") },
		"per_ip":       func(c *Config) any { return c.SMTPMaxConnsPerIP },
		"relays":       func(c *Config) any { return fmt.Sprint(c.TrustedRelays) },
		"proxies":      func(c *Config) any { return fmt.Sprint(c.TrustedProxies) },
	}
	tests := []struct {
		name    string
		setting string
		env     map[string]string
		flags   []string
		want    any
	}{
		{"database_url: default", "database_url", nil, nil, ""},
		{"database_url: file", "database_url", map[string]string{"GUICHET_CONFIG": file}, nil, "postgres://file/guichet"},
		{"database_url: environment over file", "database_url", map[string]string{"GUICHET_CONFIG": file, "GUICHET_DATABASE_URL": "postgres://env/g"}, nil, "postgres://env/g"},
		{"database_url: flag over environment", "database_url", map[string]string{"GUICHET_CONFIG": file, "GUICHET_DATABASE_URL": "postgres://env/g"}, []string{"--database-url", "postgres://flag/g"}, "postgres://flag/g"},
		{"database_url: flag over file", "database_url", map[string]string{"GUICHET_CONFIG": file}, []string{"--database-url", "postgres://flag/g"}, "postgres://flag/g"},
		{"secret: default", "secret", nil, nil, ""},
		{"secret: file", "secret", map[string]string{"GUICHET_CONFIG": file}, nil, "secret-from-the-file-0123456789abcdef"},
		{"secret: environment over file", "secret", map[string]string{"GUICHET_CONFIG": file, "GUICHET_SECRET": envSecret}, nil, envSecret},
		{"secret: flag over environment", "secret", map[string]string{"GUICHET_CONFIG": file, "GUICHET_SECRET": envSecret}, []string{"--secret", flagSecret}, flagSecret},
		{"smtp_rate: default", "smtp_rate", nil, nil, 120},
		{"smtp_rate: file", "smtp_rate", map[string]string{"GUICHET_CONFIG": file}, nil, 7},
		{"smtp_rate: environment over file", "smtp_rate", map[string]string{"GUICHET_CONFIG": file, "GUICHET_SMTP_RATE": "0"}, nil, 0},
		{"smtp_rate: flag over environment", "smtp_rate", map[string]string{"GUICHET_CONFIG": file, "GUICHET_SMTP_RATE": "0"}, []string{"--smtp-rate", "9"}, 9},
		{"retry_min: file", "retry_min", map[string]string{"GUICHET_CONFIG": file}, nil, 5 * time.Minute},
		{"retry_min: environment over file", "retry_min", map[string]string{"GUICHET_CONFIG": file, "GUICHET_RETRY_MIN": "90s"}, nil, 90 * time.Second},
		{"domains: file array", "domains", map[string]string{"GUICHET_CONFIG": file}, nil, "file.example other.example"},
		{"domains: environment over file", "domains", map[string]string{"GUICHET_CONFIG": file, "GUICHET_DOMAINS": "env.example"}, nil, "env.example"},
		{"smtp_max_conns_per_ip: default", "per_ip", nil, nil, 10},
		{"smtp_max_conns_per_ip: file", "per_ip", map[string]string{"GUICHET_CONFIG": file}, nil, 3},
		{"trusted_relays: file array", "relays", map[string]string{"GUICHET_CONFIG": file}, nil, "[192.0.2.25/32 198.51.100.0/24]"},
		{"trusted_relays: environment over file", "relays", map[string]string{"GUICHET_CONFIG": file, "GUICHET_TRUSTED_RELAYS": "::1"}, nil, "[::1/128]"},
		{"trusted_proxies: default", "proxies", nil, nil, "[]"},
		{"trusted_proxies: file string", "proxies", map[string]string{"GUICHET_CONFIG": file}, nil, "[127.0.0.1/32 2001:db8::/64]"},
		{"trusted_proxies: flag over file", "proxies", map[string]string{"GUICHET_CONFIG": file}, []string{"--trusted-proxies", "10.0.0.0/8"}, "[10.0.0.0/8]"},
		{"config file from the flag", "smtp_rate", nil, []string{"--config", file}, 7},
		{"an empty --config ignores GUICHET_CONFIG", "smtp_rate", map[string]string{"GUICHET_CONFIG": file}, []string{"--config", ""}, 120},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := load(t, tc.env, tc.flags...)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if got := get[tc.setting](c); got != tc.want {
				t.Errorf("%s = %v, want %v", tc.setting, got, tc.want)
			}
		})
	}
}

func TestFileSettings(t *testing.T) {
	tests := []struct {
		name, src string
		check     func(t *testing.T, c *Config)
	}{
		{"agents as a comma-separated string, beside GUICHET_AGENTS's form", `agents = "A@centre.example, b@centre.example"`,
			func(t *testing.T, c *Config) {
				if !slices.Equal(c.AgentAddresses(), []string{"a@centre.example", "b@centre.example"}) {
					t.Errorf("agents = %v", c.AgentAddresses())
				}
			}},
		{"a number as a string, as the environment writes it", `smtp_max_bytes = "1024"`, func(t *testing.T, c *Config) {
			if c.SMTPMaxBytes != 1024 {
				t.Errorf("SMTPMaxBytes = %d, want 1024", c.SMTPMaxBytes)
			}
		}},
		{"derived defaults follow the file's support address", `support_address = "Aide <aide@centre.example>"`, func(t *testing.T, c *Config) {
			if c.SupportAddress != "aide@centre.example" || c.Hostname != "centre.example" || !slices.Equal(c.AlertAddresses, []string{"alertes@centre.example"}) {
				t.Errorf("support %q hostname %q alerts %v", c.SupportAddress, c.Hostname, c.AlertAddresses)
			}
		}},
		{"the spec's SLA, calendar and teams", `
[calendar]
open = ["lun-ven 08:30-12:30", "lun-ven 13:30-18:00", "sam-lun 10:00-11:00"]
holidays = "fr-alsace-moselle"
closed = ["2026-12-24"]

[[sla]]
priority = "urgent"
groups = [8]
first_response = "1h"
resolution = "8h"

[[teams]]
name = "reseau"
groups = [3]
escalate_to = ["chef.reseau@example.org"]
`, func(t *testing.T, c *Config) {
			if len(c.SLA) != 1 || c.SLA[0].Priority != "urgent" || !slices.Equal(c.SLA[0].Groups, []int{8}) ||
				c.SLA[0].FirstResponse != time.Hour || c.SLA[0].Resolution != 8*time.Hour {
				t.Errorf("SLA = %+v", c.SLA)
			}
			cal := c.Calendar
			if cal == nil || cal.Holidays != "fr-alsace-moselle" || len(cal.Open) != 3 || len(cal.Closed) != 1 ||
				!cal.Closed[0].Equal(time.Date(2026, 12, 24, 0, 0, 0, 0, time.UTC)) {
				t.Fatalf("Calendar = %+v", cal)
			}
			weekdays := []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
			if o := cal.Open[1]; !slices.Equal(o.Days, weekdays) || o.Start != 13*time.Hour+30*time.Minute || o.End != 18*time.Hour {
				t.Errorf("Open[1] = %+v", o)
			}
			if o := cal.Open[2]; !slices.Equal(o.Days, []time.Weekday{time.Saturday, time.Sunday, time.Monday}) {
				t.Errorf("Open[2] = %+v, want a range across the week's end", o)
			}
			if len(c.Teams) != 1 || !slices.Equal(c.Teams[0].EscalateTo, []string{"chef.reseau@example.org"}) {
				t.Errorf("Teams = %+v", c.Teams)
			}
		}},
		{"round the clock, French holidays by default", `
[calendar]
open = ["24/7"]
`, func(t *testing.T, c *Config) {
			if c.Calendar == nil || c.Calendar.Holidays != "fr" || len(c.Calendar.Open) != 1 || len(c.Calendar.Open[0].Days) != 7 || c.Calendar.Open[0].End != 24*time.Hour {
				t.Errorf("Calendar = %+v", c.Calendar)
			}
		}},
		{"no [calendar], no calendar", `smtp_rate = 1`, func(t *testing.T, c *Config) {
			if c.Calendar != nil || c.SLA != nil {
				t.Errorf("Calendar = %+v, SLA = %+v, want none", c.Calendar, c.SLA)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := load(t, map[string]string{"GUICHET_CONFIG": writeFile(t, tc.src)})
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			tc.check(t, c)
		})
	}
}

// TestFileErrors checks that each mistake is named with its line, all of a
// file's mistakes at once.
func TestFileErrors(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string // lines of the error, after the file's path
	}{
		{"unknown top-level key", "smtp_rate = 3\nagent = [\"a@b\"]\n",
			[]string{`:2: unknown key "agent" (did you mean "agents"?)`}},
		{"a flag's or a variable's spelling", "database-url = \"x\"\nGUICHET_SECRET = \"y\"\n",
			[]string{`:1: unknown key "database-url" (did you mean "database_url"?)`, `:2: unknown key "GUICHET_SECRET" (did you mean "secret"?)`}},
		{"nothing like a known key", "frobnicate = 1\n", []string{`:1: unknown key "frobnicate"`}},
		{"unknown table, once", "[smtp]\naddr = \"x\"\nrate = 1\n", []string{`:1: unknown key "smtp"`}},
		{"unknown key in [[agents]], each element", `
[[agents]]
address = "a@centre.example"

[[agents]]
adress = "b@centre.example"
[[agents]]
adress = "c@centre.example"
`, []string{`:6: unknown key "adress" in [[agents]] (did you mean "address"?)`, `:8: unknown key "adress" in [[agents]] (did you mean "address"?)`}},
		{"unknown key in [[teams]]", `
[[teams]]
name = "reseau"
group = [3]
`, []string{`:4: unknown key "group" in [[teams]] (did you mean "groups"?)`}},
		{"unknown key in [calendar]", "[calendar]\nholydays = \"fr\"\n", []string{`:2: unknown key "holydays" in [calendar] (did you mean "holidays"?)`}},
		{"wrong type in the second [[teams]]", `
[[teams]]
name = "a"
groups = [1]
# the second team's groups are a string, not an array
[[teams]]
name = "b"
groups = "2"
`, []string{`:8: teams.groups: want an array, not a string`}},
		{"wrong types of settings", `
smtp_addr = 25
retry_min = 5
domains = ["a.example", 1]
smtp_rate = -1
smtp_max_bytes = true
`, []string{`:2: smtp_addr: want a string, not the number 25`,
			`:3: retry_min: want a duration string such as "90s" or "36h", not the number 5`,
			`:4: domains: want an array of strings without commas, not 1`,
			`:5: smtp_rate: not a non-negative whole number: "-1"`,
			`:6: smtp_max_bytes: want a whole number, not bool`}},
		{"a list where tables belong", "teams = 3\n", []string{`:1: teams: want an array, not a number (write [[teams]] tables)`}},
		{"lines inside a multi-line string are not keys", "description = \"\"\"\nsmtp_rate = 1\n\"\"\"\n",
			[]string{`:1: unknown key "description"`}},
		{"a value over several lines, then a quoted key", "[calendar]\nopen = [\n  \"24/7\", # [ignored]\n]\n'holydays' = \"fr\"\n",
			[]string{`:5: unknown key "holydays" in [calendar] (did you mean "holidays"?)`}},
		{"the file cannot name another", "config = \"other.toml\"\n",
			[]string{`:1: config: the file cannot name another file (use --config or GUICHET_CONFIG)`}},
		{"invalid SLA and calendar", `
[calendar]
open = ["lun-ven 8h-12h"]
holidays = "be"
closed = ["24/12/2026"]

[[sla]]
priority = "critical"
first_response = "1h"
resolution = "soon"
`, []string{`:3: calendar.open: want days and hours such as "lun-ven 08:30-12:30" or "24/7", not "lun-ven 8h-12h"`,
			`:4: calendar.holidays: want one of fr, fr-alsace-moselle, none, not "be"`,
			`:5: calendar.closed: want a date such as "2026-12-24", not "24/12/2026"`,
			`:8: sla.priority: want one of low, normal, high, urgent, not "critical"`,
			`:10: sla.resolution: want a positive duration such as "8h", not "soon"`}},
		{"TOML syntax", "smtp_rate = \n", []string{`:1: expected value but found '\n' instead`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, tc.src)
			_, err := load(t, map[string]string{"GUICHET_CONFIG": path})
			if err == nil {
				t.Fatalf("Load accepted %q", tc.src)
			}
			var want []string
			for _, w := range tc.want {
				want = append(want, path+w)
			}
			if got := strings.Split(err.Error(), "\n"); !slices.Equal(got, want) {
				t.Errorf("Load error =\n%s\nwant\n%s", err, strings.Join(want, "\n"))
			}
		})
	}
}

// TestValueOrigin: a bad value names where it came from, here the
// environment, which wins over the file.
func TestValueOrigin(t *testing.T) {
	path := writeFile(t, "retry_min = \"5m\"\n")
	_, err := load(t, map[string]string{"GUICHET_CONFIG": path, "GUICHET_RETRY_MIN": "soon"})
	if err == nil || !strings.HasPrefix(err.Error(), "GUICHET_RETRY_MIN: ") {
		t.Errorf("Load error = %v, want one naming GUICHET_RETRY_MIN", err)
	}
}
