package flows

import (
	"errors"
	"strings"
	"time"
	"unicode/utf8"
)

// SafetyPlan is the client's own plan for a crisis, in the six steps of the Stanley–Brown
// safety plan plus what they live for, in their own words. It is part of the state, so it is
// sealed at rest with it, exported with it and erased with it; and the crisis reply, which
// loads the state anyway, can show it without another round trip.
type SafetyPlan struct {
	// Warning are the client's warning signs. They are never repeated at them in a crisis.
	Warning string `json:"warning_signs,omitempty" cbor:"1,keyasint,omitempty"`
	// Coping are things they can do on their own.
	Coping string `json:"on_my_own,omitempty" cbor:"2,keyasint,omitempty"`
	// Distract are people and places that take their mind off things.
	Distract string `json:"distraction,omitempty" cbor:"3,keyasint,omitempty"`
	// People are people they can ask for help.
	People string `json:"people_to_ask,omitempty" cbor:"4,keyasint,omitempty"`
	// Pros are professionals and services (prefilled with their helplines).
	Pros string `json:"professionals,omitempty" cbor:"5,keyasint,omitempty"`
	// Safer is how they make their surroundings safer.
	Safer string `json:"safer_surroundings,omitempty" cbor:"6,keyasint,omitempty"`
	// Reason is what they live for.
	Reason string `json:"reason_for_living,omitempty" cbor:"7,keyasint,omitempty"`
	// Updated is when the plan last changed.
	Updated time.Time `json:"updated,omitzero" cbor:"8,keyasint,omitzero"`
}

// planPart is one part of the plan: its profile field, its place in the plan and its label.
type planPart struct {
	field string
	get   func(*SafetyPlan) *string
	// crisis says whether the part is shown in the crisis reply (not the warning signs).
	crisis bool
}

// planParts are the parts in the order of the plan. Their labels are the strings
// "plan_label_<field>".
var planParts = []planPart{
	{"plan_warning", func(p *SafetyPlan) *string { return &p.Warning }, false},
	{"plan_coping", func(p *SafetyPlan) *string { return &p.Coping }, true},
	{"plan_distract", func(p *SafetyPlan) *string { return &p.Distract }, true},
	{"plan_people", func(p *SafetyPlan) *string { return &p.People }, true},
	{"plan_pros", func(p *SafetyPlan) *string { return &p.Pros }, true},
	{"plan_safer", func(p *SafetyPlan) *string { return &p.Safer }, true},
	{"plan_reason", func(p *SafetyPlan) *string { return &p.Reason }, true},
}

func init() {
	for _, part := range planParts {
		get := part.get
		// A skipped step ("") keeps what was there: skipping while editing changes nothing.
		profileFields[part.field] = func(s *State, v string, now time.Time) {
			if v = strings.TrimSpace(v); v == "" {
				return
			}
			if s.Plan == nil {
				s.Plan = &SafetyPlan{}
			}
			*get(s.Plan) = v
			s.Plan.Updated = now.Truncate(time.Second)
		}
	}
	// plan_text takes a typed part of the plan (up to 4,000 characters) at a question that
	// also has buttons.
	validators["plan_text"] = func(_ *turn, s string) (string, error) {
		if s = strings.TrimSpace(s); s == "" || utf8.RuneCountInString(s) > 4000 {
			return "", errors.New("")
		}
		return s, nil
	}
	// plan.start shows a plan the client already has, with what they can do with it, instead
	// of walking through it again.
	actions["plan.start"] = func(t *turn) bool {
		if t.st.Plan == nil || t.st.Plan.empty() {
			return false
		}
		f := t.e.lib.Flow(t.st.Flow)
		t.vals["plan"] = t.st.Plan.text(t.e.lib, t.locale())
		t.run(f, f.Step("menu"))
		return true
	}
	// plan.prefill puts the client's helplines and the practice's contact into the
	// professionals step, for the client to keep or change.
	actions["plan.prefill"] = func(t *turn) bool {
		if t.st.Plan == nil || t.st.Plan.Pros == "" {
			t.vals["pros"] = t.knownHelp()
		} else {
			t.vals["pros"] = t.st.Plan.Pros
		}
		return false
	}
	// plan.keep_pros keeps the prefilled professionals when the client skipped that step.
	actions["plan.keep_pros"] = func(t *turn) bool {
		if (t.st.Plan == nil || t.st.Plan.Pros == "") && t.st.consented(t.e.opts.ConsentVersion) {
			profileFields["plan_pros"](t.st, t.e.crisis.Helplines.For(t.country()).LinesText(t.locale()), t.now)
		}
		return false
	}
	// plan.show prepares {plan}: the whole plan.
	actions["plan.show"] = func(t *turn) bool {
		t.vals["plan"] = t.st.Plan.text(t.e.lib, t.locale())
		return false
	}
}

func (p *SafetyPlan) empty() bool {
	for _, part := range planParts {
		if *part.get(p) != "" {
			return false
		}
	}
	return true
}

// text is the whole plan, part by part, for /safetyplan and the export.
func (p *SafetyPlan) text(lib *Library, locale string) string {
	return p.render(lib, locale, false)
}

// crisisText is the part of the plan the crisis reply shows: the client's steps, their
// people and their reason, not their warning signs; "" when there is none.
func (p *SafetyPlan) crisisText(lib *Library, locale string) string {
	if s := p.render(lib, locale, true); s != "" {
		return lib.String("plan_in_crisis", locale) + "\n" + s
	}
	return ""
}

func (p *SafetyPlan) render(lib *Library, locale string, crisis bool) string {
	if p == nil {
		return ""
	}
	var b strings.Builder
	for _, part := range planParts {
		v := strings.TrimSpace(*part.get(p))
		if v == "" || crisis && !part.crisis {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		b.WriteString("• " + lib.String("plan_label_"+part.field, locale) + ": " + v)
	}
	return b.String()
}

// knownHelp is the help the bot knows for the client, for the professionals step: their
// country's crisis lines and the practice's contact, or the general help where it knows none.
func (t *turn) knownHelp() string {
	h := t.e.crisis.Helplines.For(t.country())
	if s := h.LinesText(t.locale()); s != "" {
		return s
	}
	return strings.TrimSpace(h.Text(t.locale()))
}
