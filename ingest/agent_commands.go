package ingest

import (
	"net/mail"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"guichet/templates"
)

// op is what an agent's command asks for.
type op int

const (
	opUnknown  op = iota
	opResolve     // #résolu: status resolved, resolution notice to the requester
	opClose       // #clos: status closed
	opReopen      // #rouvrir: status open
	opPending     // #attente: status answered (waiting for the requester)
	opCategory    // #catégorie 3.4: category chosen by the agent
	opNote        // #note: internal note
	opAdd         // #ajouter ADDR: participant copied on public answers
	opRemove      // #retirer ADDR: participant no more
	opTake        // #prendre: assigned to the sending agent
	opAssign      // #assigner ADDR|nom: assigned to that agent
	opRelease     // #libérer: assigned to nobody
	opPriority    // #priorité basse|normale|haute|urgente
)

// commandNames maps folded names (lower case, no accents) to operations:
// French first, English aliases after.
var commandNames = map[string]op{
	"resolu": opResolve, "resolue": opResolve, "resoudre": opResolve, "resolved": opResolve, "resolve": opResolve, "solved": opResolve,
	"clos": opClose, "close": opClose, "cloture": opClose, "cloturer": opClose, "closed": opClose,
	"rouvrir": opReopen, "reouvrir": opReopen, "reopen": opReopen,
	"attente": opPending, "enattente": opPending, "pending": opPending, "wait": opPending, "waiting": opPending,
	"categorie": opCategory, "category": opCategory, "cat": opCategory,
	"note": opNote, "interne": opNote, "internal": opNote,
	"ajouter": opAdd, "add": opAdd, "retirer": opRemove, "remove": opRemove,
	"prendre": opTake, "take": opTake, "assigner": opAssign, "attribuer": opAssign, "assign": opAssign,
	"liberer": opRelease, "release": opRelease, "unassign": opRelease,
	"priorite": opPriority, "priority": opPriority, "prio": opPriority,
}

// command is one command line of an agent's message.
type command struct {
	op   op
	arg  string // the argument, as written
	line string // the whole line, for reports
}

// parseCommands splits the commands at the top of an agent's new text from
// the rest. Commands are lines starting with "#", one per line, before any
// other text (blank lines between them are allowed); case and accents do
// not matter. rest is the text that follows, trimmed: the answer.
func parseCommands(text string) (cmds []command, rest string) {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	i := 0
	for ; i < len(lines); i++ {
		l := strings.TrimSpace(strings.Trim(strings.TrimSpace(lines[i]), "*"))
		if l == "" {
			continue
		}
		if !strings.HasPrefix(l, "#") {
			break
		}
		name, arg, _ := strings.Cut(strings.TrimSpace(l[1:]), " ")
		c := command{op: commandNames[fold(name)], arg: strings.TrimSpace(arg), line: l}
		if name == "" {
			c.op = opUnknown
		}
		cmds = append(cmds, c)
	}
	return cmds, strings.TrimSpace(strings.Join(lines[i:], "\n"))
}

// fold lowers s and removes its accents and the characters that are not
// letters: "Résolu" and "RESOLU" and "résolu." are all "resolu".
func fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// categoryCode normalises "3.4", "3-4", "3,4" or "[3.4]" to "3.4".
func categoryCode(arg string) string {
	a := strings.Trim(strings.TrimSpace(arg), "[]()")
	a = strings.NewReplacer(",", ".", "-", ".").Replace(a)
	return strings.TrimSpace(a)
}

// checkCommand describes a command that cannot be carried out; ok is true
// when it can.
func (ad *agentDesk) checkCommand(c command) (templates.CommandProblem, bool) {
	switch c.op {
	case opUnknown:
		return templates.CommandProblem{Line: c.line, Reason: templates.ProblemUnknown}, false
	case opCategory:
		code := categoryCode(c.arg)
		if code == "" {
			return templates.CommandProblem{Line: c.line, Reason: templates.ProblemMissing}, false
		}
		if _, ok := ad.notify.lookupCategory(code); !ok {
			return templates.CommandProblem{Line: c.line, Reason: templates.ProblemCategory, Arg: c.arg}, false
		}
	case opAssign:
		if ad.agentArg(c.arg) == "" {
			return templates.CommandProblem{Line: c.line, Reason: templates.ProblemAgent, Arg: c.arg}, false
		}
	case opPriority:
		if priorityNames[fold(c.arg)] == "" {
			return templates.CommandProblem{Line: c.line, Reason: templates.ProblemPriority, Arg: c.arg}, false
		}
	case opAdd, opRemove:
		if c.arg == "" {
			return templates.CommandProblem{Line: c.line, Reason: templates.ProblemMissing}, false
		}
		if a := participantArg(c.arg); a == "" || ad.own[a] {
			return templates.CommandProblem{Line: c.line, Reason: templates.ProblemArgument}, false
		}
	default:
		if c.arg != "" {
			return templates.CommandProblem{Line: c.line, Reason: templates.ProblemArgument}, false
		}
	}
	return templates.CommandProblem{}, true
}

// participantArg is the address of #ajouter / #retirer ("Nom <a@b>" or
// "a@b"), lowercased; "" when it is not one.
func participantArg(arg string) string {
	a, err := mail.ParseAddress(strings.TrimSpace(arg))
	if err != nil {
		return ""
	}
	return strings.ToLower(a.Address)
}

// agentArg is the declared agent #assigner names, by address ("Nom <a@b>"
// or "a@b") or by the name the configuration gives it, accents and case
// ignored; "" when none.
func (ad *agentDesk) agentArg(arg string) string {
	if a := participantArg(arg); a != "" {
		if ad.agents[a] {
			return a
		}
		return ""
	}
	return ad.names[fold(arg)]
}
