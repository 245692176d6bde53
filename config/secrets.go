package config

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// MinSecretBytes is the shortest GUICHET_SECRET accepted. The secret keys
// HMAC-SHA256 (RFC 2104 §3: a key shorter than the hash's output weakens
// it), and every requester receives a signed address that lets anyone try
// keys offline: a short secret is found in seconds, and with it the agents'
// reply addresses.
const MinSecretBytes = 32

// secrets reads the file forms of the secret and the API token, checks the
// secret's length and notes what should be warned about. origins gives,
// for each variable, where its value came from ("--secret", the variable's
// name, the file's line, "default").
func (c *Config) secrets(origins map[string]string) error {
	secretFrom := "GUICHET_SECRET"
	if o := origins["GUICHET_SECRET"]; strings.HasPrefix(o, "--") {
		secretFrom = o
	}
	for _, s := range []struct {
		env, fileEnv string
		value, file  *string
	}{
		{"GUICHET_SECRET", "GUICHET_SECRET_FILE", &c.Secret, &c.SecretFile},
		{"GUICHET_API_TOKEN", "GUICHET_API_TOKEN_FILE", &c.APIToken, &c.APITokenFile},
	} {
		if strings.HasPrefix(origins[s.env], "--") && *s.value != "" {
			c.Warnings = append(c.Warnings, fmt.Sprintf("%s given as a flag: other users see it in ps; prefer %s or %s", origins[s.env], s.env, s.fileEnv))
		}
		if *s.file == "" {
			continue
		}
		if *s.value != "" {
			return fmt.Errorf("%s and %s are both set: keep one", s.env, s.fileEnv)
		}
		v, warn, err := readSecretFile(*s.file)
		if err != nil {
			return fmt.Errorf("%s: %w", s.fileEnv, err)
		}
		if warn != "" {
			c.Warnings = append(c.Warnings, s.fileEnv+": "+warn)
		}
		*s.value = v
		if s.env == "GUICHET_SECRET" {
			secretFrom = s.fileEnv
		}
	}
	if n := len(c.Secret); n > 0 && n < MinSecretBytes {
		return fmt.Errorf("%s: the secret is too short: at least %d bytes are required, it has %d (make one with: openssl rand -base64 32)", secretFrom, MinSecretBytes, n)
	}
	return nil
}

// readSecretFile reads a secret kept in a file, without the line end an
// editor or echo leaves. A file that group or others may read is used, with
// a warning: systemd credentials and container secrets are often mounted
// 0644 inside a private namespace.
func readSecretFile(path string) (secret, warning string, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		// The path is the operator's; the error names it, never the content.
		return "", "", err
	}
	secret = strings.TrimRight(string(b), "\r\n")
	if secret == "" {
		return "", "", errors.New(path + " is empty")
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o044 != 0 {
		warning = fmt.Sprintf("%s may be read by other users (mode %04o): chmod 600 it", path, fi.Mode().Perm())
	}
	return secret, warning, nil
}
