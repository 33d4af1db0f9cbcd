package acctest

import (
	"testing"
)

// SkipWithoutIdentity is a TestStep's SkipFunc for a step that imports by resource identity:
// Terraform before 1.12 has no identities, so such a step is skipped under Terraform 1.11.4
// with the reason logged, and runs under OpenTofu 1.12.
func SkipWithoutIdentity(t *testing.T) func() (bool, error) {
	return func() (bool, error) {
		tofu, err := UnderOpenTofu()
		if err == nil && !tofu {
			t.Log("SKIP step: import by resource identity needs Terraform 1.12 or OpenTofu 1.12; this run uses Terraform 1.11 (CI runs it under OpenTofu)")
		}
		return !tofu, err
	}
}
