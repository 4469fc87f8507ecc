package flows

import "sort"

// FlowIDs lists the ids of every flow in the library, sorted (for metrics that start at zero).
func (l *Library) FlowIDs() []string {
	out := make([]string, 0, len(l.flows))
	for id := range l.flows {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}
