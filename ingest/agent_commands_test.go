package ingest

import (
	"slices"
	"testing"
)

func TestParseCommands(t *testing.T) {
	for _, tc := range []struct {
		name string
		text string
		ops  []op
		args []string
		rest string
	}{
		{"none", "Bonjour,\n#pas une commande", nil, nil, "Bonjour,\n#pas une commande"},
		{"French with accents", "#résolu\nC'est réparé.", []op{opResolve}, []string{""}, "C'est réparé."},
		{"case and accents do not matter", "#RÉSOLU\n#Résolu\n#resolu", []op{opResolve, opResolve, opResolve}, []string{"", "", ""}, ""},
		{"English aliases", "#resolved\n#closed\n#reopen\n#pending\n#category 3.4", []op{opResolve, opClose, opReopen, opPending, opCategory}, []string{"", "", "", "", "3.4"}, ""},
		{"French names", "#clos\n#rouvrir\n#attente\n#catégorie 1.7\n#note", []op{opClose, opReopen, opPending, opCategory, opNote}, []string{"", "", "", "1.7", ""}, ""},
		{"blank lines and bold", "\n  #note  \n\n*#clos*\n\nTexte\n#résolu", []op{opNote, opClose}, []string{"", ""}, "Texte\n#résolu"},
		{"unknown", "#fermer\n#\nTexte", []op{opUnknown, opUnknown}, []string{"", ""}, "Texte"},
		{"CRLF", "#note\r\nTexte\r\n", []op{opNote}, []string{""}, "Texte"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmds, rest := parseCommands(tc.text)
			var ops []op
			var args []string
			for _, c := range cmds {
				ops, args = append(ops, c.op), append(args, c.arg)
			}
			if !slices.Equal(ops, tc.ops) || !slices.Equal(args, tc.args) || rest != tc.rest {
				t.Errorf("parseCommands(%q) = %v %q, %q; want %v %q, %q", tc.text, ops, args, rest, tc.ops, tc.args, tc.rest)
			}
		})
	}
}

func TestCategoryCode(t *testing.T) {
	for in, want := range map[string]string{"3.4": "3.4", "3-4": "3.4", "3,4": "3.4", "[3.4]": "3.4", " (1.7) ": "1.7", "": ""} {
		if got := categoryCode(in); got != want {
			t.Errorf("categoryCode(%q) = %q, want %q", in, got, want)
		}
	}
}
