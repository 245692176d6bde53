package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"guichet/config"
)

// helpText is what a command's --help adds to its flags: what it does,
// examples and the exit codes it uses.
type helpText struct {
	examples []string
	exits    string
}

// exitsRead are the exit codes of the commands that read the database.
const exitsRead = "0 done; 1 no database, a schema to migrate, or another failure; 64 usage error; 75 database unavailable, try again"

func helpTexts() map[string]helpText {
	return map[string]helpText{
		"serve": {[]string{
			"guichet serve",
			"GUICHET_DATABASE_URL=postgres://guichet@db/guichet guichet serve --log-format json",
		}, "0 stopped by SIGINT/SIGTERM after draining; 1 a part failed; 64 usage or configuration error; 75 the database stayed unreachable for GUICHET_DB_WAIT"},
		"ingest": {[]string{
			"guichet ingest message.eml",
			"guichet ingest --sender ${sender} --rcpt=${recipient}   (Postfix pipe, one recipient a delivery)",
		}, "0 stored; 65 a message that can never be used; 75 anything the operator can fix (configuration, database, permissions): the MTA keeps the message and retries"},
		"migrate": {[]string{"guichet migrate"}, "0 done (or nothing to do); 1 failure, e.g. a schema newer than this program; 64 usage error; 75 database unavailable"},
		"tickets": {[]string{
			"guichet tickets --status ouverte",
			"guichet tickets --json --category 1.7",
		}, exitsRead},
		"ticket": {[]string{
			"guichet ticket 2026-000042",
			"guichet ticket 2026-000042 --json",
		}, exitsRead + " (1 also for an unknown ticket)"},
		"outbox": {[]string{
			"guichet outbox",
			"guichet outbox retry 17",
		}, exitsRead + " (1 also for retry of a message that did not fail)"},
		"categories": {[]string{"guichet categories"}, "0 done; 64 usage error"},
		"config": {[]string{
			"guichet config",
			"guichet config --config /etc/guichet/guichet.toml",
		}, "0 done; 64 usage error or invalid configuration"},
		"export": {[]string{
			"guichet export --requester awa.diop@example.org > awa.json",
			"guichet export --requester awa.diop@example.org --with-attachments ./awa-files",
		}, exitsRead},
		"forget": {[]string{
			"guichet forget --requester awa.diop@example.org --dry-run",
			"guichet forget --requester awa.diop@example.org --by dpo@centre.example",
		}, exitsRead},
		"digest": {[]string{
			"guichet digest",
			"guichet digest --agent moussa.fall@centre.example",
		}, "0 done (also when no agent has anything waiting); 1 failure; 64 usage error or not a declared agent; 75 database unavailable, try again"},
		"purge": {[]string{
			"guichet purge --dry-run",
			"GUICHET_RETENTION=3y guichet purge",
		}, "0 done; 1 no database, a schema to migrate, or another failure; 64 usage error or GUICHET_RETENTION off; 75 database unavailable, try again"},
		"backup": {[]string{
			"guichet backup /var/backups/guichet-$(date +%F).db",
		}, "0 copy written; 1 failure (no database, the file exists, PostgreSQL: use pg_dump); 64 usage error; 75 database busy, try again"},
	}
}

// helpFlag is --help and --help-all, defined by the command itself so that
// help goes to standard output (package flag writes its own to standard
// error) and is asked for rather than an error.
type helpFlag struct {
	level *int // 0 not asked, 1 --help, 2 --help-all
	n     int
	show  func(all bool)
	// misuse prints a usage error in one line.
	misuse func(err error)
}

func (h helpFlag) String() string   { return "" }
func (h helpFlag) IsBoolFlag() bool { return true }
func (h helpFlag) Set(v string) error {
	if v != "false" {
		*h.level = max(*h.level, h.n)
	}
	return nil
}

// flags makes a command's flag set: --help shows the command's own flags,
// examples and exit codes, --help-all also every configuration setting
// (each is a flag of every command). A usage error prints one line.
func flags(name, synopsis string, e env) *flag.FlagSet {
	fs := flag.NewFlagSet("guichet "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // parse prints its errors in one line
	level := new(int)
	show := func(all bool) { printHelp(e.stdout, fs, name, synopsis, all) }
	misuse := func(err error) {
		fmt.Fprintf(e.stderr, "guichet %s: %s (usage: guichet %s %s; guichet %s --help)\n", name, err, name, synopsis, name)
	}
	for _, f := range []struct {
		names []string
		n     int
		usage string
	}{
		{[]string{"h", "help"}, 1, "this help"},
		{[]string{"help-all"}, 2, "this help and every configuration setting"},
	} {
		for _, n := range f.names {
			fs.Var(helpFlag{level, f.n, show, misuse}, n, f.usage)
		}
	}
	fs.Usage = func() {}
	return fs
}

// parse parses args; it returns -1 to go on, or the exit code: 0 after
// printing the help that was asked for, 64 for a usage error. Flags may
// stand after positional arguments ("ticket 2026-000042 --json"), as
// package flag alone does not allow; after "--" everything is positional.
// fs.Args() then holds the positional arguments.
func parse(fs *flag.FlagSet, args []string) int {
	h := fs.Lookup("help").Value.(helpFlag)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			h.misuse(err)
			return exitUsage
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if i := len(args) - len(rest); i > 0 && args[i-1] == "--" {
			pos = append(pos, rest...)
			break
		}
		pos, args = append(pos, rest[0]), rest[1:]
	}
	if err := fs.Parse(append([]string{"--"}, pos...)); err != nil {
		return exitUsage
	}
	if *h.level > 0 {
		h.show(*h.level == 2)
		return exitOK
	}
	return -1
}

func printHelp(w io.Writer, fs *flag.FlagSet, name, synopsis string, all bool) {
	fmt.Fprintf(w, "Usage: guichet %s %s\n", name, synopsis)
	for _, c := range commands() {
		if c.name == name {
			fmt.Fprintf(w, "\n%s.\n", upperFirst(c.summary))
		}
	}
	var own, settings []*flag.Flag
	fs.VisitAll(func(f *flag.Flag) {
		switch {
		case f.Name == "h" || f.Name == "help" || f.Name == "help-all":
		case config.IsSetting(f.Name):
			settings = append(settings, f)
		default:
			own = append(own, f)
		}
	})
	fmt.Fprintln(w, "\nOptions:")
	printFlags(w, own)
	fmt.Fprintln(w, "  --help, --help-all\n      this help; with every configuration setting")
	h := helpTexts()[name]
	if len(h.examples) > 0 {
		fmt.Fprintln(w, "\nExamples:")
		for _, x := range h.examples {
			fmt.Fprintf(w, "  %s\n", x)
		}
	}
	if h.exits != "" {
		fmt.Fprintf(w, "\nExit codes: %s.\n", h.exits)
	}
	if len(settings) == 0 {
		return
	}
	if !all {
		fmt.Fprintf(w, "\nSettings: each of the %d configuration variables is also a flag (--database-url, --data-dir, --log-level, …);\n"+
			"guichet %s --help-all lists them, docs/configuration.md explains them.\n", len(settings), name)
		return
	}
	fmt.Fprintln(w, "\nSettings (a flag wins over the environment, which wins over the configuration file):")
	printFlags(w, settings)
}

// printFlags writes flags as package flag does, with two dashes.
func printFlags(w io.Writer, fl []*flag.Flag) {
	for _, f := range fl {
		arg, usage := flag.UnquoteUsage(f)
		if _, ok := f.Value.(helpFlag); ok {
			arg = ""
		}
		line := "  --" + f.Name
		if arg != "" {
			line += " " + arg
		}
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			usage += fmt.Sprintf(" (default %q)", f.DefValue)
		}
		fmt.Fprintf(w, "%s\n      %s\n", line, strings.ReplaceAll(usage, "\n", "\n      "))
	}
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
