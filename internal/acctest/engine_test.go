package acctest

import (
	"strings"
	"testing"
)

func TestIdentityUnsupported(t *testing.T) {
	for version, supported := range map[string]bool{
		"Terraform v1.11.4": false, "Terraform v1.12.0": true, "Terraform v1.14.2": true, "Terraform v2.0.0": true,
		"OpenTofu v1.12.6": true, "OpenTofu v1.10.7": false,
	} {
		reason, err := identityUnsupported(version)
		if err != nil || (reason == "") != supported {
			t.Errorf("%s: reason %q, %v; supported %v", version, reason, err, supported)
		}
		if !supported && !strings.HasPrefix(reason, version+" predates resource identity") {
			t.Errorf("%s: the reason %q does not name the version", version, reason)
		}
	}
	if _, err := identityUnsupported("something else"); err == nil {
		t.Error("an unreadable version passed")
	}
}
