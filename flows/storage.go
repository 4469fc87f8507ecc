package flows

// Storage says how the running bot keeps what clients write, so that every promise about it
// (the consent question, /help, /settings) is true for this configuration.
type Storage string

// The ways a client's data can be kept.
const (
	// StorageEncrypted: a durable Redis, every record sealed with INTERLUDE_ENCRYPTION_KEY.
	StorageEncrypted Storage = "encrypted"
	// StoragePlaintext: a durable Redis without an encryption key.
	StoragePlaintext Storage = "plaintext"
	// StorageTrial: the embedded in-memory store; nothing survives the process.
	StorageTrial Storage = "trial"
)

// variant returns the strings-table key of the text for this storage: "<key>_<storage>" when
// the library has that variant, else key itself. The encrypted wording is the plain key, so an
// operator's override of "consent_question" keeps working.
func (l *Library) variant(key string, s Storage) string {
	if s == "" || s == StorageEncrypted {
		return key
	}
	if _, ok := l.strings[key+"_"+string(s)]; ok {
		return key + "_" + string(s)
	}
	return key
}
