// The `debug` package, silenced: https-proxy-agent logs through it, and with DEBUG set (DEBUG=* is
// common in shells) it would print on stderr, over the console's screen, the proxy's URL with its
// password. flarewatch logs nothing through `debug`; every namespace is off whatever DEBUG says.
function createDebug() {
	const debug = () => {};
	debug.enabled = false;
	debug.extend = createDebug;
	return debug;
}
createDebug.enable = () => {};
createDebug.disable = () => '';
createDebug.enabled = () => false;
export default createDebug;
