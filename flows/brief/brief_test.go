package brief_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/interlude-bot/interlude/flows/brief"
)

// reader finds poppler's pdftotext; under CI=true a missing reader fails the test (.ci/run
// installs poppler-utils), elsewhere the test is skipped.
func reader(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is missing (install poppler-utils): %v", name, err)
		}
		t.Skipf("%s not installed (poppler-utils)", name)
	}
	return path
}

// pdfText reads a PDF the way a person's reader does.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	bin := reader(t, "pdftotext")
	path := filepath.Join(t.TempDir(), "brief.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	if dir := os.Getenv("BRIEF_KEEP"); dir != "" {
		_ = os.WriteFile(filepath.Join(dir, t.Name()+".pdf"), pdf, 0o644)
	}
	return string(out)
}

// pages counts the pages with pdfinfo.
func pages(t *testing.T, pdf []byte) int {
	t.Helper()
	bin := reader(t, "pdfinfo")
	path := filepath.Join(t.TempDir(), "brief.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, path).Output()
	if err != nil {
		t.Fatalf("pdfinfo: %v", err)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(line, "Pages:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(v))
			return n
		}
	}
	t.Fatalf("pdfinfo gave no page count: %s", out)
	return 0
}

func TestBriefKeepsUmlautsAndQuotesAndFitsOnePage(t *testing.T) {
	pdf, err := brief.Render(brief.Doc{
		Title: "Notizen für die Stunde, 3. Dez.",
		Sections: []brief.Section{
			{Title: "Was mir am wichtigsten ist:", Text: "Dass ich „nein“ sagen darf, ohne mich schuldig zu fühlen."},
			{Title: "Meine Liste:", Items: []string{"Der Streit mit meinem Bruder über Weihnachten", "Wie es mit meinem Ziel lief: Atemübung (●●◐○)"}},
		},
		Footer: "Von mir mit einem automatischen Werkzeug (Interlude) geschrieben; keine klinische Dokumentation.",
	})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", pdf[:min(20, len(pdf))])
	}
	text := pdfText(t, pdf)
	for _, want := range []string{"Der Streit mit meinem Bruder über Weihnachten", "„nein“", "Atemübung (●●◐○)", "keine klinische Dokumentation", "1/1"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF reads without %q:\n%s", want, text)
		}
	}
	if n := pages(t, pdf); n != 1 {
		t.Errorf("%d pages, want 1", n)
	}
}

func TestBriefWithSixtyAgendaItemsContinuesOnAnotherPage(t *testing.T) {
	var items []string
	for i := range 60 {
		items = append(items, "Thing number "+strconv.Itoa(i+1)+" I want to bring up, in a sentence that is a little longer than one line would hold on the page")
	}
	pdf, err := brief.Render(brief.Doc{Title: "Session notes", Sections: []brief.Section{{Title: "My list:", Items: items}}, Footer: "Written by me with an automated tool (Interlude); not a clinical record."})
	if err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, pdf)
	for _, it := range []string{"Thing number 1 I want", "Thing number 60 I want"} {
		if !strings.Contains(text, it) {
			t.Errorf("%q is cut from the PDF", it)
		}
	}
	n := pages(t, pdf)
	if n < 2 {
		t.Errorf("60 items on %d page", n)
	}
	if got := strings.Count(text, "not a clinical record"); got != n {
		t.Errorf("footer on %d of %d pages", got, n)
	}
}
