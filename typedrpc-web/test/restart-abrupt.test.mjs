// Abrupt restarts of the server (connections closed), in a Node process of their own.
import { restartSuite } from "./restart.mjs";

restartSuite("abrupt");
