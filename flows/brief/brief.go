// Package brief renders a client's session brief as a PDF: an A4 page (or more, when there is
// more to say; nothing is cut) that they can read from, print or forward. Every text comes in
// already in the client's language; the embedded Liberation Sans font covers German and
// typographic quotes, so what the client wrote prints as written.
package brief

import (
	"bytes"
	"fmt"
	"image/png"
	"strconv"
	"strings"
	"time"

	"codeberg.org/go-fonts/liberation/liberationsansbold"
	"codeberg.org/go-fonts/liberation/liberationsansregular"
	"codeberg.org/go-pdf/fpdf"
)

// Doc is what the brief says, in the client's language.
type Doc struct {
	// Title heads the first page ("Session notes, 3 Dec").
	Title string
	// Sections follow in order; empty ones are left out.
	Sections []Section
	// Chart is a PNG picture (the mood chart) drawn after the sections, with ChartTitle above
	// it; nil for none.
	Chart      []byte
	ChartTitle string
	// Footer is printed at the bottom of every page (that the client wrote it with an
	// automated tool, and that it is not a clinical record).
	Footer string
	// Created is the document's creation time (the PDF's metadata).
	Created time.Time
}

// Section is a heading and its lines.
type Section struct {
	Title string
	// Text is a paragraph in the client's words, printed as written.
	Text string
	// Items are printed as a list.
	Items []string
	// Tracks are printed as a list too, each with its weeks drawn as marks.
	Tracks []Track
	// Legend says what the marks mean, one label per Mark, in the order Often, Sometimes, Not.
	Legend [3]string
}

// Track is a goal and its weeks.
type Track struct {
	Text  string
	Weeks []Mark
	// Empty is written instead of marks when there are no weeks yet.
	Empty string
}

// Mark is one week's answer about a goal.
type Mark int

// The marks: a filled circle, a half-filled one, an empty one (drawn, so that they look the
// same in every reader and need no glyph from the font).
const (
	Often Mark = iota
	Sometimes
	Not
)

// Page layout in millimetres.
const (
	margin     = 18.0
	footerH    = 14.0
	bodySize   = 10.5
	lineH      = 5.2
	headSize   = 11.5
	titleSize  = 17.0
	chartWidth = 140.0
)

var ink = [3]int{0x2f, 0x3b, 0x44}
var soft = [3]int{0x6b, 0x78, 0x82}
var accent = [3]int{0x2f, 0x85, 0x8c}

// Render draws the brief as a PDF.
func Render(d Doc) ([]byte, error) {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.AddUTF8FontFromBytes("sans", "", liberationsansregular.TTF)
	pdf.AddUTF8FontFromBytes("sans", "B", liberationsansbold.TTF)
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(true, margin+footerH)
	pdf.SetTitle(d.Title, true)
	pdf.SetCreator("Interlude", true)
	if !d.Created.IsZero() {
		pdf.SetCreationDate(d.Created)
		pdf.SetModificationDate(d.Created)
	}
	pdf.AliasNbPages("{nb}")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-(margin + footerH - 4))
		pdf.SetDrawColor(soft[0], soft[1], soft[2])
		w, _ := pdf.GetPageSize()
		pdf.Line(margin, pdf.GetY(), w-margin, pdf.GetY())
		pdf.Ln(2)
		pdf.SetFont("sans", "", 8.5)
		pdf.SetTextColor(soft[0], soft[1], soft[2])
		pdf.MultiCell(w-2*margin-18, 4, d.Footer, "", "L", false)
		pdf.SetXY(w-margin-18, -(margin + footerH - 6))
		pdf.CellFormat(18, 4, strconv.Itoa(pdf.PageNo())+"/{nb}", "", 0, "R", false, 0, "")
	})
	pdf.AddPage()
	width := func() float64 { w, _ := pdf.GetPageSize(); return w - 2*margin }

	pdf.SetFont("sans", "B", titleSize)
	pdf.SetTextColor(ink[0], ink[1], ink[2])
	pdf.MultiCell(width(), 8, d.Title, "", "L", false)
	pdf.Ln(3)

	heading := func(s string) {
		// Keep a heading with at least two lines of what follows.
		_, h := pdf.GetPageSize()
		if pdf.GetY()+headSize/2+3*lineH > h-margin-footerH {
			pdf.AddPage()
		}
		pdf.Ln(2)
		pdf.SetFont("sans", "B", headSize)
		pdf.SetTextColor(accent[0], accent[1], accent[2])
		pdf.MultiCell(width(), 6, s, "", "L", false)
		pdf.Ln(0.5)
		pdf.SetFont("sans", "", bodySize)
		pdf.SetTextColor(ink[0], ink[1], ink[2])
	}
	for _, s := range d.Sections {
		if strings.TrimSpace(s.Text) == "" && len(s.Items) == 0 && len(s.Tracks) == 0 {
			continue
		}
		heading(s.Title)
		if t := strings.TrimSpace(s.Text); t != "" {
			pdf.MultiCell(width(), lineH, t, "", "L", false)
		}
		for _, it := range s.Items {
			x := pdf.GetX()
			pdf.CellFormat(5, lineH, "•", "", 0, "L", false, 0, "")
			pdf.MultiCell(width()-5, lineH, it, "", "L", false)
			pdf.SetX(x)
		}
		for _, tr := range s.Tracks {
			x := pdf.GetX()
			pdf.CellFormat(5, lineH, "•", "", 0, "L", false, 0, "")
			pdf.MultiCell(width()-5, lineH, tr.Text, "", "L", false)
			pdf.SetX(x + 5)
			if len(tr.Weeks) == 0 {
				pdf.SetTextColor(soft[0], soft[1], soft[2])
				pdf.CellFormat(width()-5, lineH, tr.Empty, "", 1, "L", false, 0, "")
				pdf.SetTextColor(ink[0], ink[1], ink[2])
			} else {
				for _, m := range tr.Weeks {
					mark(pdf, pdf.GetX()+1.8, pdf.GetY()+lineH/2, m)
					pdf.SetX(pdf.GetX() + 4.5)
				}
				pdf.Ln(lineH + 0.5)
			}
			pdf.SetX(x)
		}
		if len(s.Tracks) > 0 && s.Legend[0] != "" {
			pdf.SetFont("sans", "", 8.5)
			pdf.SetTextColor(soft[0], soft[1], soft[2])
			for i, l := range s.Legend {
				mark(pdf, pdf.GetX()+1.5, pdf.GetY()+2.2, Mark(i))
				pdf.SetX(pdf.GetX() + 4)
				pdf.CellFormat(pdf.GetStringWidth(l)+5, 4.4, l, "", 0, "L", false, 0, "")
			}
			pdf.Ln(5)
			pdf.SetFont("sans", "", bodySize)
			pdf.SetTextColor(ink[0], ink[1], ink[2])
		}
	}
	if len(d.Chart) > 0 {
		cfg, err := png.DecodeConfig(bytes.NewReader(d.Chart))
		if err != nil {
			return nil, fmt.Errorf("brief: chart: %w", err)
		}
		h := chartWidth * float64(cfg.Height) / float64(cfg.Width)
		_, ph := pdf.GetPageSize()
		if pdf.GetY()+h+14 > ph-margin-footerH {
			pdf.AddPage()
		}
		if d.ChartTitle != "" {
			heading(d.ChartTitle)
		} else {
			pdf.Ln(3)
		}
		pdf.RegisterImageOptionsReader("chart", fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(d.Chart))
		pdf.ImageOptions("chart", margin, pdf.GetY()+1, chartWidth, h, true, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("brief: %w", err)
	}
	return buf.Bytes(), nil
}

// mark draws one week's mark centred at (x, y).
func mark(pdf *fpdf.Fpdf, x, y float64, m Mark) {
	const r = 1.2
	pdf.SetDrawColor(ink[0], ink[1], ink[2])
	pdf.SetFillColor(ink[0], ink[1], ink[2])
	pdf.SetLineWidth(0.3)
	switch m {
	case Often:
		pdf.Circle(x, y, r, "FD")
	case Sometimes:
		pdf.Arc(x, y, r, r, 0, 90, 270, "F")
		pdf.Circle(x, y, r, "D")
	default:
		pdf.Circle(x, y, r, "D")
	}
}
