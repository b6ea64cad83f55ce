// Moved to src/nmea/checksum.ts (the NMEA layer under core and beidou). This path is
// kept only while branches written against it are merged; new code imports nmea/checksum.
export * from "../nmea/checksum";
