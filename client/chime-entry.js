// The parts of the Amazon Chime SDK (Apache-2.0) the client uses, bundled into
// static/vendor/chime.js.
export { ConsoleLogger, DefaultDeviceController, DefaultMeetingSession, LogLevel, MeetingSessionConfiguration } from "amazon-chime-sdk-js"
