package store

import (
	"context"
	"crypto/rand"
	"fmt"
)

// Settings: the installation's values kept in the database.

var (
	insertSecret = portable(`INSERT INTO settings (key, value) VALUES ('secret', $1) ON CONFLICT (key) DO NOTHING`)
	readSecret   = portable(`SELECT value FROM settings WHERE key = 'secret'`)
)

// Secret inserts a fresh key unless one exists, then reads the stored one:
// two processes starting at once agree on the first committed key.
func (s *core) Secret(ctx context.Context) ([]byte, error) {
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, fmt.Errorf("store: secret: %w", err)
	}
	if _, err := s.write.exec(ctx, insertSecret, fresh); err != nil {
		return nil, wrap("store: secret", err)
	}
	var key []byte
	err := s.write.queryRow(ctx, readSecret).Scan(&key)
	return key, wrap("store: secret", err)
}
