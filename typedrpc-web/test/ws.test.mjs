// Every call kind and feature over WebSocket.
import { transportSuite } from "./helpers.mjs";

transportSuite("websocket", "ws");
