package store

import (
	"bytes"
	"compress/flate"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"io"
	"sync"

	"github.com/interlude-bot/interlude/flows"
)

// Record formats. The first byte of every stored record says how it was sealed.
const (
	formatPlain byte = 0 // not encrypted (INTERLUDE_ALLOW_PLAINTEXT, or the embedded store)
	formatGCM   byte = 1 // AES-256-GCM: 4-byte key id, 12-byte nonce, ciphertext with tag
	// formatDeflate is or-ed into the format when the plaintext was compressed (raw DEFLATE)
	// before sealing (history entries, when it makes them smaller).
	formatDeflate byte = 0x80
)

// compressAbove is the size from which a record is compressed.
const compressAbove = 160

// writers reuses compressors: a new one allocates hundreds of kilobytes. BestSpeed: on a
// history entry (a few hundred bytes) it compresses within 1 % of the default level at less than
// half the time, most of which the default level spends clearing its tables on every Reset.
var writers = sync.Pool{New: func() any {
	w, _ := flate.NewWriter(nil, flate.BestSpeed)
	return w
}}

// readers reuses decompressors: a new one allocates its 32 KiB window, which on a record of a
// few hundred bytes (the state, opened on every message) costs more than the inflating.
var readers sync.Pool

// inflate decompresses a record's plaintext, up to 16 MiB.
func inflate(packed []byte) ([]byte, error) {
	src := bytes.NewReader(packed)
	r, _ := readers.Get().(io.ReadCloser)
	if r == nil {
		r = flate.NewReader(src)
	} else if err := r.(flate.Resetter).Reset(src, nil); err != nil {
		return nil, err
	}
	defer readers.Put(r)
	var out bytes.Buffer
	out.Grow(4 * len(packed))
	if _, err := out.ReadFrom(io.LimitReader(r, 16<<20)); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

const keyIDLen = 4

// Errors of sealing and opening records.
var (
	// ErrUnknownKey means a record was sealed with a key that is not configured (any more).
	ErrUnknownKey = fmt.Errorf("store: record sealed with an unknown key (%w)", flows.ErrUnreadable)
	// ErrCorrupt means a record is damaged, or was sealed for another client.
	ErrCorrupt = fmt.Errorf("store: record cannot be opened (%w)", flows.ErrUnreadable)
)

// Sealer encrypts what a client writes before it reaches Redis: AES-256-GCM, a fresh nonce per
// record, the client's key as associated data (a record moved to another client does not open),
// and a key id stored with each record so that old keys stay readable after a rotation.
// A Sealer with no key stores plaintext records.
type Sealer struct {
	current []byte // key id of the key that seals; nil for plaintext
	keys    map[string]cipher.AEAD
}

// NewSealer seals with key and opens records sealed with key or any of old. A nil key gives a
// Sealer that stores plaintext (and still opens records sealed with old keys).
func NewSealer(key []byte, old ...[]byte) (*Sealer, error) {
	s := &Sealer{keys: map[string]cipher.AEAD{}}
	add := func(k []byte) ([]byte, error) {
		block, err := aes.NewCipher(k)
		if err != nil {
			return nil, err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		id := keyID(k)
		s.keys[string(id)] = aead
		return id, nil
	}
	for _, k := range old {
		if _, err := add(k); err != nil {
			return nil, err
		}
	}
	if key != nil {
		id, err := add(key)
		if err != nil {
			return nil, err
		}
		s.current = id
	}
	return s, nil
}

// Encrypts reports whether new records are encrypted.
func (s *Sealer) Encrypts() bool { return s.current != nil }

func keyID(k []byte) []byte {
	sum := sha256.Sum256(append([]byte("interlude key id\x00"), k...))
	return sum[:keyIDLen]
}

// Seal wraps plaintext for the client identified by ad.
func (s *Sealer) Seal(plain []byte, ad string) ([]byte, error) { return s.seal(plain, ad, false) }

// SealCompressed is Seal for records written once and kept long (history entries): it
// compresses them first when that makes them smaller. Records written on every message (the
// state) are not compressed: it would cost more time than the memory it saves.
func (s *Sealer) SealCompressed(plain []byte, ad string) ([]byte, error) {
	return s.seal(plain, ad, true)
}

func (s *Sealer) seal(plain []byte, ad string, compress bool) ([]byte, error) {
	var flag byte
	if compress && len(plain) > compressAbove {
		var buf bytes.Buffer
		w := writers.Get().(*flate.Writer)
		w.Reset(&buf)
		_, _ = w.Write(plain)
		_ = w.Close()
		writers.Put(w)
		if buf.Len() < len(plain) {
			plain, flag = buf.Bytes(), formatDeflate
		}
	}
	if s.current == nil {
		return append([]byte{formatPlain | flag}, plain...), nil
	}
	aead := s.keys[string(s.current)]
	out := make([]byte, 0, 1+keyIDLen+aead.NonceSize()+len(plain)+aead.Overhead())
	out = append(out, formatGCM|flag)
	out = append(out, s.current...)
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	out = append(out, nonce...)
	return aead.Seal(out, nonce, plain, []byte(ad)), nil
}

// Open unwraps a record sealed for the client identified by ad.
func (s *Sealer) Open(rec []byte, ad string) ([]byte, error) {
	if len(rec) == 0 {
		return nil, ErrCorrupt
	}
	if rec[0]&formatDeflate != 0 {
		inner := append([]byte{rec[0] &^ formatDeflate}, rec[1:]...)
		packed, err := s.Open(inner, ad)
		if err != nil {
			return nil, err
		}
		plain, err := inflate(packed)
		if err != nil {
			return nil, ErrCorrupt
		}
		return plain, nil
	}
	switch rec[0] {
	case formatPlain:
		return rec[1:], nil
	case formatGCM:
		if len(rec) < 1+keyIDLen {
			return nil, ErrCorrupt
		}
		aead, ok := s.keys[string(rec[1:1+keyIDLen])]
		if !ok {
			return nil, ErrUnknownKey
		}
		body := rec[1+keyIDLen:]
		if len(body) < aead.NonceSize()+aead.Overhead() {
			return nil, ErrCorrupt
		}
		plain, err := aead.Open(nil, body[:aead.NonceSize()], body[aead.NonceSize():], []byte(ad))
		if err != nil {
			return nil, ErrCorrupt
		}
		return plain, nil
	}
	return nil, ErrCorrupt
}
