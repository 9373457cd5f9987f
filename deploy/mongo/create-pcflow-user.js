// Runs once, on an empty data volume (docker-entrypoint-initdb.d). The services connect as a
// user that can read and write the pcflow database and nothing else; the root account stays
// for operators.
const database = process.env.MONGO_PCFLOW_DATABASE || "pcflow";
db.getSiblingDB(database).createUser({
  user: process.env.MONGO_PCFLOW_USERNAME,
  pwd: process.env.MONGO_PCFLOW_PASSWORD,
  roles: [{ role: "readWrite", db: database }],
});
