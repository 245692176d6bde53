package store

import (
	"errors"
	"os"
	"syscall"
)

// datasync flushes the file's data and what is needed to read it back
// (its size), not its times: what SQLite's unix VFS does for the log.
func datasync(f *os.File) error {
	for {
		err := syscall.Fdatasync(int(f.Fd()))
		if !errors.Is(err, syscall.EINTR) {
			return os.NewSyscallError("fdatasync", err)
		}
	}
}
