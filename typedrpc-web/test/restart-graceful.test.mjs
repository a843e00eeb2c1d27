// Graceful restarts (GOAWAY) of the server, in a Node process of their own.
import { restartSuite } from "./restart.mjs";

restartSuite("graceful");
