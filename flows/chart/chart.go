// Package chart draws the mood chart that clients see for the /history
// command: one point per answered calendar week on a fixed 1–10 scale, with
// lines only between consecutive answered weeks so that weeks without an
// answer stay visible as gaps.
package chart

import (
	"bytes"
	"image/color"
	"math"
	"strconv"
	"time"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Width and Height are the size in pixels of the PNG returned by Mood.
const (
	Width  = 800
	Height = 400
)

// MinMood and MaxMood bound the fixed Y axis of the chart. Moods outside
// this range are drawn at the nearest bound.
const (
	MinMood = 1
	MaxMood = 10
)

// DefaultDateLayout is the time layout of the X axis labels when
// Labels.DateLayout is empty, e.g. "2 Mar".
const DefaultDateLayout = "2 Jan"

// dpi is the resolution the chart is rendered at; Mood converts Width and
// Height from pixels to gonum/plot lengths with it.
const dpi = 96

// maxDateLabels is the most week dates written under the X axis; with more
// weeks only every n-th week (counting back from the newest) is labelled so
// the labels never overlap.
const maxDateLabels = 8

// Week is one calendar week of check-ins; Mood is nil when the client gave
// no answer that week.
type Week struct {
	// Start is the first day (Monday, 00:00) of the week in the client's zone.
	Start time.Time
	// Mood is the week's (average) mood, or nil for a week without answer.
	Mood *float64
	// Answers are the week's check-ins, drawn as points of their own around the week's line
	// (so that one very hard day is not hidden in an average).
	Answers []Answer
}

// Answer is one dated mood answer of a client.
type Answer struct {
	// At is when the client answered.
	At time.Time
	// Mood is the answer on the 1–10 scale.
	Mood float64
}

// Labels are the texts drawn on the chart, already in the client's language.
// They are the only texts drawn apart from the axis numbers and dates.
type Labels struct {
	// Title is drawn above the chart; empty means no title.
	Title string
	// XAxis and YAxis name the axes; empty means no axis name.
	XAxis, YAxis string
	// NoData is drawn in the middle of the chart when no week has an answer.
	NoData string
	// DateLayout is the time layout of the week dates under the X axis;
	// empty means DefaultDateLayout. Go formats month names in English only,
	// so use a numeric layout such as "2.1." for other languages.
	DateLayout string
	// Low and High say what the ends of the scale mean ("very hard", "very good"); they are
	// written next to 1 and 10 on the Y axis. Empty means the number alone.
	Low, High string
}

// point is one answered week on the chart: X is the week's index in the
// weeks given to Mood, Y its mood.
type point struct{ X, Y float64 }

// Calm colours: a soft teal for the data, muted slate for text and axes.
var (
	background = color.RGBA{R: 0xfb, G: 0xfc, B: 0xfc, A: 0xff}
	ink        = color.RGBA{R: 0x45, G: 0x55, B: 0x60, A: 0xff}
	faint      = color.RGBA{R: 0xdf, G: 0xe6, B: 0xea, A: 0xff}
	teal       = color.RGBA{R: 0x2f, G: 0x85, B: 0x8c, A: 0xff}
	light      = color.RGBA{R: 0x8f, G: 0xc4, B: 0xc8, A: 0xff}
)

// Mood draws the weeks (oldest first) as a Width×Height PNG: mood on a fixed
// 1–10 Y axis, one point per answered week, lines only between consecutive
// answered weeks — weeks without an answer are gaps, never zeros. The X axis
// shows the weeks' start dates formatted with l.DateLayout. When no week has
// an answer (including no weeks at all) l.NoData is drawn instead of data.
func Mood(weeks []Week, l Labels) ([]byte, error) {
	layout := l.DateLayout
	if layout == "" {
		layout = DefaultDateLayout
	}
	// restyle keeps the alignment gonum/plot chose for a text and sets our
	// font, colour and a plain handler, so labels are never read as LaTeX.
	restyle := func(s *text.Style, size vg.Length, weight xfont.Weight) {
		s.Font = font.Font{Typeface: "Liberation", Variant: "Sans", Weight: weight, Size: size}
		s.Color = ink
		s.Handler = text.Plain{Fonts: font.DefaultCache}
	}
	axis := func(a *plot.Axis, name string) {
		a.Label.Text = name
		restyle(&a.Label.TextStyle, 14, xfont.WeightNormal)
		a.Label.Padding = 6
		restyle(&a.Tick.Label, 13, xfont.WeightNormal)
		a.LineStyle = draw.LineStyle{Color: ink, Width: 1}
		a.Tick.LineStyle = a.LineStyle
		a.Tick.Length = 4
		a.Padding = 6
	}

	p := plot.New()
	p.BackgroundColor = background
	p.Title.Text = l.Title
	restyle(&p.Title.TextStyle, 18, xfont.WeightBold)
	p.Title.Padding = 12
	axis(&p.X, l.XAxis)
	axis(&p.Y, l.YAxis)
	p.Y.Min, p.Y.Max = MinMood, MaxMood
	var yTicks plot.ConstantTicks
	for m := MinMood; m <= MaxMood; m++ {
		label := strconv.Itoa(m)
		switch {
		case m == MinMood && l.Low != "":
			label = l.Low + "  " + label
		case m == MaxMood && l.High != "":
			label = l.High + "  " + label
		}
		yTicks = append(yTicks, plot.Tick{Value: float64(m), Label: label})
	}
	p.Y.Tick.Marker = yTicks

	p.X.Min, p.X.Max = -0.5, math.Max(float64(len(weeks))-0.5, 0.5)
	step := (len(weeks) + maxDateLabels - 1) / maxDateLabels
	xTicks := plot.ConstantTicks{}
	for i, w := range weeks {
		t := plot.Tick{Value: float64(i)}
		if (len(weeks)-1-i)%step == 0 {
			t.Label = w.Start.Format(layout)
		}
		xTicks = append(xTicks, t)
	}
	p.X.Tick.Marker = xTicks

	grid := plotter.NewGrid()
	grid.Vertical.Color = nil
	grid.Horizontal = draw.LineStyle{Color: faint, Width: 1}
	p.Add(grid)

	segs := segments(weeks)
	if len(segs) == 0 {
		noData := p.Title.TextStyle
		restyle(&noData, 16, xfont.WeightNormal)
		noData.YAlign = draw.YCenter
		p.Add(plotterFunc(func(c draw.Canvas, _ *plot.Plot) {
			c.FillText(noData, c.Center(), l.NoData)
		}))
	}
	radius := vg.Length(5)
	if len(weeks) > 26 {
		radius = 3.5 // half a year or more: smaller dots so the line stays readable
	}
	// Each check-in is a small light point at its day within the week; the weekly line and
	// its dots go on top.
	var singles plotter.XYs
	for i, w := range weeks {
		for _, a := range w.Answers {
			if math.IsNaN(a.Mood) || math.IsInf(a.Mood, 0) {
				continue
			}
			day := float64((int(a.At.In(w.Start.Location()).Weekday())+6)%7) - 3
			singles = append(singles, plotter.XY{X: float64(i) + day/8, Y: min(max(a.Mood, MinMood), MaxMood)})
		}
	}
	if len(singles) > 0 {
		pts, err := plotter.NewScatter(singles)
		if err != nil {
			return nil, err
		}
		pts.GlyphStyle = draw.GlyphStyle{Color: light, Radius: radius * 0.6, Shape: draw.CircleGlyph{}}
		p.Add(pts)
	}
	for _, seg := range segs {
		xys := make(plotter.XYs, len(seg))
		for i, pt := range seg {
			xys[i] = plotter.XY{X: pt.X, Y: pt.Y}
		}
		if len(seg) > 1 {
			line, err := plotter.NewLine(xys)
			if err != nil {
				return nil, err
			}
			line.LineStyle = draw.LineStyle{Color: teal, Width: 3}
			p.Add(line)
		}
		dots, err := plotter.NewScatter(xys)
		if err != nil {
			return nil, err
		}
		dots.GlyphStyle = draw.GlyphStyle{Color: teal, Radius: radius, Shape: draw.CircleGlyph{}}
		p.Add(dots)
	}

	c := vgimg.NewWith(
		vgimg.UseWH(Width*vg.Inch/dpi, Height*vg.Inch/dpi),
		vgimg.UseDPI(dpi),
		vgimg.UseBackgroundColor(background),
	)
	const margin = 12 // keeps the texts off the picture's edge
	p.Draw(draw.Crop(draw.New(c), margin, -margin, margin, -margin))
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// segments returns the runs of consecutive answered weeks as chart points,
// X being the week's index. A week without answer (or with a NaN or infinite
// mood) ends a run and never becomes a point; moods are clamped to
// MinMood…MaxMood so they stay inside the fixed axis.
func segments(weeks []Week) [][]point {
	var segs [][]point
	var run []point
	for i, w := range weeks {
		if w.Mood == nil || math.IsNaN(*w.Mood) || math.IsInf(*w.Mood, 0) {
			if run != nil {
				segs = append(segs, run)
				run = nil
			}
			continue
		}
		run = append(run, point{X: float64(i), Y: min(max(*w.Mood, MinMood), MaxMood)})
	}
	if run != nil {
		segs = append(segs, run)
	}
	return segs
}

// WeeksFrom groups dated mood answers into calendar weeks (Monday start) in
// loc, from the week of from to the week of to inclusive, oldest first.
// Several answers in one week are averaged; weeks without an answer have a
// nil Mood. Answers outside the range and NaN or infinite moods are ignored.
// A nil loc means UTC; to before from yields no weeks.
func WeeksFrom(answers []Answer, from, to time.Time, loc *time.Location) []Week {
	if loc == nil {
		loc = time.UTC
	}
	first, last := weekStart(from, loc), weekStart(to, loc)
	if last.Before(first) {
		return nil
	}
	var weeks []Week
	index := map[int64]int{} // week start (Unix seconds) → index in weeks
	y, m, d := first.Date()
	for k := 0; ; k++ {
		// Counted from the first Monday's date rather than with AddDate on the
		// previous start, so a zone that skips midnight for DST cannot shift
		// all later week starts by an hour.
		s := time.Date(y, m, d+7*k, 0, 0, 0, 0, loc)
		if s.After(last) {
			break
		}
		index[s.Unix()] = len(weeks)
		weeks = append(weeks, Week{Start: s})
	}
	sums := make([]float64, len(weeks))
	counts := make([]int, len(weeks))
	for _, a := range answers {
		if math.IsNaN(a.Mood) || math.IsInf(a.Mood, 0) {
			continue
		}
		i, ok := index[weekStart(a.At, loc).Unix()]
		if !ok {
			continue
		}
		sums[i] += a.Mood
		counts[i]++
		weeks[i].Answers = append(weeks[i].Answers, a)
	}
	for i := range weeks {
		if counts[i] > 0 {
			avg := sums[i] / float64(counts[i])
			weeks[i].Mood = &avg
		}
	}
	return weeks
}

// weekStart returns Monday 00:00 in loc of the week that contains t.
func weekStart(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	y, m, d := t.Date()
	sinceMonday := (int(t.Weekday()) + 6) % 7
	return time.Date(y, m, d-sinceMonday, 0, 0, 0, 0, loc)
}

// plotterFunc adapts a drawing function to plot.Plotter.
type plotterFunc func(draw.Canvas, *plot.Plot)

// Plot calls f.
func (f plotterFunc) Plot(c draw.Canvas, p *plot.Plot) { f(c, p) }
