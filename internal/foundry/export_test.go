package foundry

// ForgetOpened empties the record of transactions this process opened, as a new provider
// process starts: a test then proves that what a resource recorded in its private state is
// enough.
func ForgetOpened() {
	opened.Lock()
	defer opened.Unlock()
	clear(opened.m)
}
