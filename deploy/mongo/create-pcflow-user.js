// Runs once, on an empty data volume (docker-entrypoint-initdb.d). The services connect as a
// user that can read and write the pcflow database and nothing else, the web server as one
// that can only read it; the root account stays for operators. On a volume made before the web
// server existed, create its user the same way with mongosh as root.
const database = process.env.MONGO_PCFLOW_DATABASE || "pcflow";
db.getSiblingDB(database).createUser({
  user: process.env.MONGO_PCFLOW_USERNAME,
  pwd: process.env.MONGO_PCFLOW_PASSWORD,
  roles: [{ role: "readWrite", db: database }],
});
db.getSiblingDB(database).createUser({
  user: process.env.MONGO_WEB_USERNAME,
  pwd: process.env.MONGO_WEB_PASSWORD,
  roles: [{ role: "read", db: database }],
});
