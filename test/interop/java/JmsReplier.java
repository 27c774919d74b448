import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import javax.jms.BytesMessage;
import javax.jms.Connection;
import javax.jms.JMSException;
import javax.jms.MapMessage;
import javax.jms.Message;
import javax.jms.MessageConsumer;
import javax.jms.MessageEOFException;
import javax.jms.MessageFormatException;
import javax.jms.MessageProducer;
import javax.jms.Session;
import javax.jms.TextMessage;
import org.apache.activemq.ActiveMQConnectionFactory;

/**
 * The Java side of the ActiveMQ interop test: a plain JMS program on ActiveMQ's own OpenWire client.
 * It takes COUNT messages from QUEUE, prints one line per message describing what JMS gave it (the
 * Java type of the message and of every map entry and property), and answers each on its
 * JMSReplyTo (when it has one) with a message of the same kind, so the other side can check the
 * way back.
 *
 * Usage: java JmsReplier BROKER_URL QUEUE COUNT
 * Output: one line per message, then "DONE". Exit status 1 when a message does not come in time.
 */
public final class JmsReplier {
    private static final long RECEIVE_TIMEOUT_MS = 20_000;

    public static void main(String[] args) throws Exception {
        // Java 17 prints with the platform charset; the test reads UTF-8.
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        String url = args[0];
        String queue = args[1];
        int count = Integer.parseInt(args[2]);
        Connection connection = new ActiveMQConnectionFactory(url).createConnection();
        try {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
            MessageProducer replies = session.createProducer(null);
            for (int i = 0; i < count; i++) {
                Message m = consumer.receive(RECEIVE_TIMEOUT_MS);
                if (m == null) {
                    out.println("TIMEOUT after " + i + " messages");
                    System.exit(1);
                }
                out.println(describe(m));
                if (m.getJMSReplyTo() == null) continue;
                Message reply = answer(session, m);
                reply.setJMSCorrelationID(m.getJMSCorrelationID());
                reply.setStringProperty("answeredBy", "java");
                replies.send(m.getJMSReplyTo(), reply);
            }
            out.println("DONE");
        } finally {
            connection.close();
        }
    }

    private static String describe(Message m) throws JMSException {
        StringBuilder line = new StringBuilder();
        if (m instanceof TextMessage) {
            line.append("TextMessage text=").append(((TextMessage) m).getText());
        } else if (m instanceof MapMessage) {
            MapMessage map = (MapMessage) m;
            line.append("MapMessage");
            for (String name : sorted(map.getMapNames())) {
                Object v = map.getObject(name);
                line.append(' ').append(name).append('=').append(typeAndValue(v));
            }
        } else if (m instanceof BytesMessage) {
            line.append("BytesMessage ").append(describeBytes((BytesMessage) m));
        } else {
            line.append(m.getClass().getName());
        }
        line.append(" | correlation=").append(m.getJMSCorrelationID());
        line.append(" replyTo=").append(m.getJMSReplyTo() == null ? "none" : "set");
        for (String name : sorted(m.getPropertyNames())) {
            line.append(" property:").append(name).append('=').append(typeAndValue(m.getObjectProperty(name)));
        }
        return line.toString();
    }

    /** The test's layout (int, long, double, UTF) when the body has it, else the body as UTF-8 text. */
    private static String describeBytes(BytesMessage bytes) throws JMSException {
        long length = bytes.getBodyLength();
        try {
            int i = bytes.readInt();
            long l = bytes.readLong();
            double d = bytes.readDouble();
            String utf = bytes.readUTF();
            return "length=" + length + " int=" + i + " long=" + l + " double=" + d + " utf=" + utf;
        } catch (MessageEOFException | MessageFormatException e) {
            bytes.reset();
            byte[] body = new byte[(int) length];
            bytes.readBytes(body);
            return "length=" + length + " utf8=" + new String(body, StandardCharsets.UTF_8);
        }
    }

    private static Message answer(Session session, Message m) throws JMSException {
        if (m instanceof MapMessage) {
            MapMessage reply = session.createMapMessage();
            reply.setString("from", "java");
            reply.setInt("count", 42);
            reply.setLong("big", 9007199254740993L);
            reply.setDouble("ratio", 0.25);
            reply.setBoolean("ok", true);
            reply.setBytes("raw", new byte[] {0, 1, 2, (byte) 255});
            reply.setString("zip", "007");
            return reply;
        }
        if (m instanceof BytesMessage) {
            BytesMessage reply = session.createBytesMessage();
            reply.writeInt(-7);
            reply.writeLong(Long.MIN_VALUE);
            reply.writeUTF("из Java");
            return reply;
        }
        TextMessage reply = session.createTextMessage("Java read: " + ((TextMessage) m).getText());
        reply.setLongProperty("big", 9007199254740993L);
        reply.setIntProperty("n", 5);
        return reply;
    }

    private static String typeAndValue(Object v) {
        if (v == null) return "null";
        if (v instanceof byte[]) {
            StringBuilder hex = new StringBuilder("byte[]:");
            for (byte b : (byte[]) v) hex.append(String.format("%02x", b));
            return hex.toString();
        }
        return v.getClass().getSimpleName() + ":" + v;
    }

    @SuppressWarnings("unchecked")
    private static List<String> sorted(Enumeration<?> names) {
        List<String> list = new ArrayList<>();
        for (Object n : Collections.list(names)) list.add((String) n);
        Collections.sort(list);
        return list;
    }
}
