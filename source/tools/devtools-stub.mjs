// Stands in for react-devtools-core in the bundle; Ink only connects to devtools when DEV is set.
export default {initialize() {}, connectToDevTools() {}};
