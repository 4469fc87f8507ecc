package flows_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/interlude-bot/interlude/flows"
)

// pdfText reads a PDF with poppler's pdftotext, as a person's reader would. Under CI=true a
// missing pdftotext fails the test (.ci/run installs poppler-utils); elsewhere it is skipped.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("pdftotext is missing (install poppler-utils): %v", err)
		}
		t.Skipf("pdftotext not installed (poppler-utils)")
	}
	path := filepath.Join(t.TempDir(), "brief.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	if dir := os.Getenv("BRIEF_KEEP"); dir != "" {
		_ = os.WriteFile(filepath.Join(dir, strings.ReplaceAll(t.Name(), "/", "_")+".pdf"), pdf, 0o644)
	}
	return string(out)
}

func briefOf(t *testing.T, outs []flows.Outbound) []byte {
	t.Helper()
	for _, o := range outs {
		if o.File != nil && o.File.MIME == "application/pdf" {
			if !strings.HasSuffix(o.File.Name, ".pdf") {
				t.Errorf("PDF named %q", o.File.Name)
			}
			return o.File.Data
		}
	}
	t.Fatalf("no PDF among %q", joined(outs))
	return nil
}

func TestPrepareEndsWithAPDFInTheClientsLanguage(t *testing.T) {
	e, now := clocked(t)
	c := onboarded(t, e, "brief")
	c.send("/language")
	c.press("Deutsch")
	addGoal(c, "Atemübung üben", "Täglich")
	for week, mood := range []string{"4", "6"} {
		c.send("/checkin")
		c.press(mood)
		c.press("Ruhig")
		c.send("/skip")
		c.press("1 · Oft")
		c.send("/skip")
		if week == 1 {
			c.send("Über „Nähe“ und Streit mit meinem Bruder sprechen")
		} else {
			c.send("/skip")
		}
		*now = now.Add(7 * 24 * time.Hour)
	}
	rate(c, "4", "5", "3")
	c.send("/prepare")
	c.press("Diesmal nicht")
	c.send("Dass ich mich öfter traue, „nein“ zu sagen")
	c.send("Die Zusammenfassungen am Ende helfen mir")
	outs := c.send("/skip")
	pdf := briefOf(t, outs)
	if !strings.Contains(string(pdf), "/Subtype /Image") {
		t.Errorf("the PDF has no mood chart picture")
	}
	text := pdfText(t, pdf)
	for _, want := range []string{
		"Notizen für die Stunde, 16. November",
		"Über „Nähe“ und Streit mit meinem Bruder sprechen",
		"Dass ich mich öfter traue, „nein“ zu sagen",
		"Die Zusammenfassungen am Ende helfen mir",
		"Atemübung üben · täglich",
		"Oft",
		"4 · 5 · 3",
		"keine klinische Dokumentation",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF reads without %q:\n%s", want, text)
		}
	}
}

func TestABriefWithoutCheckinsStillComes(t *testing.T) {
	e, _ := clocked(t)
	c := onboarded(t, e, "nocheckins")
	c.send("/prepare")
	c.send("Whether the new times work for me")
	c.send("/skip")
	outs := c.send("/skip")
	pdf := briefOf(t, outs)
	if strings.Contains(string(pdf), "/Subtype /Image") {
		t.Errorf("a brief without check-ins has a mood chart")
	}
	text := pdfText(t, pdf)
	if !strings.Contains(text, "Whether the new times work for me") || !strings.Contains(text, "not a clinical record") {
		t.Errorf("brief without check-ins:\n%s", text)
	}
	if strings.Contains(text, "no check-ins yet") || strings.Contains(text, "week by week") {
		t.Errorf("a brief without check-ins shows an empty chart:\n%s", text)
	}
}
