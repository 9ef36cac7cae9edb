import { bouncer } from '@bouncer/express';
import express from 'express';
import { policy } from '../policy';

const app = express();
app.use(bouncer(policy)); // first: every route, 404 and error passes it
app.get('/health', (_req, res) => res.json({ status: 'ok' }));
app.get('/me', (_req, res) => res.json({ user: res.locals.auth?.sub })); // state is res.locals
app.post('/orders', express.json(), (req, res) => res.status(201).json(req.body)); // body replayed
app.listen(Number(process.env.PORT ?? 8080), '127.0.0.1');
