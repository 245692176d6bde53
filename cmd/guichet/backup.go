package main

import (
	"context"
	"fmt"

	"guichet/config"
	"guichet/store"
)

// runBackup copies the embedded database to a new file while serve may be
// running (store.Backup).
func runBackup(ctx context.Context, args []string, e env) int {
	fs := flags("backup", "FILE", e)
	config.Register(fs)
	if code := parse(fs, args); code >= 0 {
		return code
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(e.stderr, "guichet backup: expected one file name, a new file (guichet backup --help)")
		return exitUsage
	}
	c, code := loadConfig(fs, e, "backup")
	if code >= 0 {
		return code
	}
	dest := fs.Arg(0)
	if err := store.Backup(ctx, store.Options{DatabaseURL: c.DatabaseURL, DataDir: c.DataDir}, dest); err != nil {
		return fail(e, "backup", err)
	}
	fmt.Fprintf(e.stdout, "%s written\n", dest)
	return exitOK
}
