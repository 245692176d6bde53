package store

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"
)

// Options selects and configures a backend.
type Options struct {
	// DatabaseURL selects PostgreSQL when it starts with postgres:// or
	// postgresql://; empty selects embedded SQLite in DataDir.
	DatabaseURL string
	// DataDir holds guichet.db for the embedded backend; created 0700.
	DataDir string
	// Logger receives migration and backend notices; nil discards them.
	Logger *slog.Logger
	// MaxConns bounds the PostgreSQL pool (0: pgx's default, at least 4).
	MaxConns int32
	// Now is the clock for times the caller does not pass (created_at of
	// participants, default message times); nil is time.Now.
	Now func() time.Time
}

// connectTimeout bounds the first connection when ctx has no deadline, so
// that an unreachable database turns into ErrUnavailable (exit 75) instead
// of a hang.
const connectTimeout = 15 * time.Second

func (o Options) logger() *slog.Logger {
	if o.Logger != nil {
		return o.Logger
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

func (o Options) clock() func() time.Time {
	if o.Now != nil {
		return o.Now
	}
	return time.Now
}

func (o Options) postgres() (bool, error) {
	u := o.DatabaseURL
	switch {
	case u == "":
		return false, nil
	case strings.HasPrefix(u, "postgres://"), strings.HasPrefix(u, "postgresql://"):
		return true, nil
	default:
		return false, fmt.Errorf("store: database URL must start with postgres:// or postgresql://")
	}
}

// Open connects to the selected backend and applies pending migrations.
// An unreachable database gives an error wrapping ErrUnavailable.
func Open(ctx context.Context, o Options) (Store, error) {
	s, _, err := open(ctx, o)
	return s, err
}

// Migrate applies pending migrations and returns the names of those it
// applied (empty when the schema was current), for `guichet migrate`.
func Migrate(ctx context.Context, o Options) (applied []string, err error) {
	s, applied, err := open(ctx, o)
	if err != nil {
		return nil, err
	}
	s.Close()
	return applied, nil
}

func open(ctx context.Context, o Options) (Store, []string, error) {
	pg, err := o.postgres()
	if err != nil {
		return nil, nil, err
	}
	// Return a nil interface on error, never a typed nil pointer.
	if pg {
		s, applied, err := openPostgres(ctx, o)
		if err != nil {
			return nil, nil, err
		}
		return s, applied, nil
	}
	s, applied, err := openSQLite(ctx, o)
	if err != nil {
		return nil, nil, err
	}
	return s, applied, nil
}
