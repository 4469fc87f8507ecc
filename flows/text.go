package flows

import (
	"context"
	"time"
)

// Text renders a strings-table entry in the client's language (their chosen one, else the
// platform's hint), for adapters that say something of their own, such as the console's
// banner, or a Telegram or Discord notice that an answer could not be saved. It reads the
// client's state and never writes it.
func (e *Engine) Text(ctx context.Context, user UserKey, hint, key string, vals map[string]string) string {
	locale := e.localeFor(hint)
	// A second at most, and even when ctx has ended: the words are often said because the
	// store failed (an answer that could not be saved), and must not wait on it.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
	defer cancel()
	if snap, err := e.store.Load(ctx, user, ""); err == nil {
		if st, err := decodeState(snap.State); err == nil && st.Locale != "" {
			locale = st.Locale
		}
	}
	return fill(e.lib.String(e.lib.variant(key, e.opts.Storage), locale), vals)
}
