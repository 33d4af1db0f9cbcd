package v7

import "testing"

// Another item uses a name folder when one of its slots' sources sits in the folder's source
// folder, or when V7's answer gives no storage key at all (darwin-py's item model makes it
// optional): then the folder is kept rather than guessed free.
func TestUsesFolder(t *testing.T) {
	for _, tc := range []struct {
		name string
		it   Item
		want bool
	}{
		{"same source folder", Item{Slots: []ItemSlot{{StorageKey: "raw/a.jpg"}}}, true},
		{"another source folder", Item{Slots: []ItemSlot{{StorageKey: "raw-2/a.jpg"}}}, false},
		{"a longer folder name", Item{Slots: []ItemSlot{{StorageKey: "raw/sub/a.jpg"}}}, false},
		{"one slot of several", Item{Slots: []ItemSlot{{StorageKey: "other/a.jpg"}, {StorageKey: "raw/b.jpg"}}}, true},
		{"no storage key in V7's answer", Item{Slots: []ItemSlot{{SlotName: "0"}}}, true},
		{"no slots in V7's answer", Item{}, true},
	} {
		if got := usesFolder(tc.it, "raw"); got != tc.want {
			t.Errorf("%s: usesFolder = %v, want %v", tc.name, got, tc.want)
		}
	}
}
