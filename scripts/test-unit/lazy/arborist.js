// @npmcli/arborist, loaded on first use (see lazy-module.js): the path bypasses the moduleNameMapper entry for it.
module.exports = require("./lazy-module")(() => require("../../../node_modules/@npmcli/arborist"));
