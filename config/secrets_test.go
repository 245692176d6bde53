package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Secrets of the tests: long enough to be accepted.
const (
	envSecret  = "secret-from-the-environment-0123456789"
	flagSecret = "secret-from-the-flag-0123456789abcdef"
)

// secretFile writes content to a file of mode perm and returns its path.
func secretFile(t *testing.T, content string, perm os.FileMode) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(p, []byte(content), perm); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, perm); err != nil { // whatever the umask
		t.Fatal(err)
	}
	return p
}

func TestSecrets(t *testing.T) {
	long := strings.Repeat("k", MinSecretBytes)
	private := secretFile(t, long+"\n", 0o600)
	shared := secretFile(t, long+"\r\n", 0o644)
	short := secretFile(t, "abc\n", 0o600)
	token := secretFile(t, "api-token-of-the-file\n", 0o600)
	tests := []struct {
		name     string
		env      map[string]string
		flags    []string
		secret   string
		apiToken string
		err      string // a part of Load's error; "" for none
		notInErr string // what the error must not show
		warnings []string
	}{
		{"no secret: generated later", nil, nil, "", "", "", "", nil},
		{"32 bytes accepted", map[string]string{"GUICHET_SECRET": long}, nil, long, "", "", "", nil},
		{"3 bytes refused", map[string]string{"GUICHET_SECRET": "abc"}, nil, "", "", "GUICHET_SECRET: the secret is too short: at least 32 bytes", "abc", nil},
		{"31 bytes refused", map[string]string{"GUICHET_SECRET": long[1:]}, nil, "", "", "at least 32 bytes are required, it has 31", long[1:], nil},
		{"short flag refused, named", nil, []string{"--secret", "abc"}, "", "", "--secret: the secret is too short", "abc", nil},
		{"flag accepted with a warning", nil, []string{"--secret", long}, long, "", "", "", []string{"--secret given as a flag"}},
		{"file, line end trimmed", map[string]string{"GUICHET_SECRET_FILE": private}, nil, long, "", "", "", nil},
		{"file readable by others: warned", map[string]string{"GUICHET_SECRET_FILE": shared}, nil, long, "", "", "", []string{"GUICHET_SECRET_FILE: " + shared + " may be read by other users (mode 0644)"}},
		{"short file refused", map[string]string{"GUICHET_SECRET_FILE": short}, nil, "", "", "GUICHET_SECRET_FILE: the secret is too short", "abc", nil},
		{"missing file", map[string]string{"GUICHET_SECRET_FILE": private + ".missing"}, nil, "", "", "GUICHET_SECRET_FILE: open " + private + ".missing", "", nil},
		{"both forms", map[string]string{"GUICHET_SECRET_FILE": private, "GUICHET_SECRET": long}, nil, "", "", "GUICHET_SECRET and GUICHET_SECRET_FILE are both set", long, nil},
		{"API token file", map[string]string{"GUICHET_API_TOKEN_FILE": token}, nil, "", "api-token-of-the-file", "", "", nil},
		{"API token flag warned", nil, []string{"--api-token", "t0ken"}, "", "t0ken", "", "", []string{"--api-token given as a flag"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := load(t, tc.env, tc.flags...)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("Load error = %v, want it to contain %q", err, tc.err)
				}
				if tc.notInErr != "" && strings.Contains(err.Error(), tc.notInErr) {
					t.Errorf("Load error %q shows the secret", err)
				}
				if strings.Contains(err.Error(), "\n") {
					t.Errorf("Load error %q is not one line", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if c.Secret != tc.secret || c.APIToken != tc.apiToken {
				t.Errorf("secret %q, API token %q; want %q, %q", c.Secret, c.APIToken, tc.secret, tc.apiToken)
			}
			if len(c.Warnings) != len(tc.warnings) {
				t.Fatalf("warnings = %q, want %q", c.Warnings, tc.warnings)
			}
			for i, w := range tc.warnings {
				if !strings.HasPrefix(c.Warnings[i], w) {
					t.Errorf("warning %q, want it to start with %q", c.Warnings[i], w)
				}
			}
		})
	}
}
