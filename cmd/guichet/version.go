package main

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// version is set at link time by packaging/build-deb and build-image
// (-ldflags "-X main.version=0.3.0") so that the binary names the same
// version as its package. It is the one package-level variable of this
// program: the linker can write nothing else, and it is never modified at
// run time. Empty means "ask the build information".
var version string

// runVersion prints one line: the version, the commit it was built from
// (with "+dirty" when the work tree had uncommitted changes), the commit's
// date and the Go release that compiled it.
func runVersion(_ context.Context, args []string, e env) int {
	if len(args) > 0 {
		switch args[0] {
		case "-h", "-help", "--help":
			fmt.Fprintln(e.stdout, "Usage: guichet version   (also guichet --version)")
			fmt.Fprintln(e.stdout, "\nPrints the version, commit, commit date and Go version of this binary.")
			return exitOK
		}
		fmt.Fprintf(e.stderr, "guichet version: takes no arguments, got %q\n", args[0])
		return exitUsage
	}
	bi, _ := debug.ReadBuildInfo()
	fmt.Fprintln(e.stdout, versionLine(version, bi))
	return exitOK
}

// buildInfo is what the linker and the Go toolchain recorded of this binary.
type buildInfo struct {
	version, commit, date, goVersion string
}

// readBuild reads bi (nil when the binary carries no build information;
// -trimpath keeps the VCS settings, and "go build" records them from the
// checkout, -buildvcs); linked, when set, is the version the linker wrote.
func readBuild(linked string, bi *debug.BuildInfo) buildInfo {
	b := buildInfo{version: linked, goVersion: runtime.Version()}
	if bi != nil {
		if b.version == "" {
			b.version = bi.Main.Version
		}
		if bi.GoVersion != "" {
			b.goVersion = bi.GoVersion
		}
		settings := map[string]string{}
		for _, s := range bi.Settings {
			settings[s.Key] = s.Value
		}
		if rev := settings["vcs.revision"]; rev != "" {
			if len(rev) > 7 {
				rev = rev[:7] // git's default abbreviation
			}
			if settings["vcs.modified"] == "true" {
				rev += "+dirty"
			}
			b.commit = rev
		}
		b.date = settings["vcs.time"]
	}
	// Go writes module versions with a "v" (v0.3.0); packages and people
	// write 0.3.0.
	if v := b.version; len(v) > 1 && v[0] == 'v' && v[1] >= '0' && v[1] <= '9' {
		b.version = v[1:]
	}
	if b.version == "" {
		b.version = "(devel)"
	}
	return b
}

// thisBuild is this binary's build.
func thisBuild() buildInfo {
	bi, _ := debug.ReadBuildInfo()
	return readBuild(version, bi)
}

// versionLine is guichet version's line.
func versionLine(linked string, bi *debug.BuildInfo) string {
	b := readBuild(linked, bi)
	var details []string
	if b.commit != "" {
		details = append(details, "commit "+b.commit)
	}
	if b.date != "" {
		details = append(details, b.date)
	}
	details = append(details, b.goVersion)
	return fmt.Sprintf("guichet %s (%s)", b.version, strings.Join(details, ", "))
}
