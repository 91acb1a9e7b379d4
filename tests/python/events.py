"""Small hand-made events of every source, for the gateway's tests.

Each builder returns a minimal but realistic event; keyword arguments
replace or add top-level keys.
"""

API_DOMAIN = "abc123.execute-api.us-east-1.amazonaws.com"
URL_DOMAIN = "abc123.lambda-url.us-east-1.on.aws"


def rest(path="/raw", method="GET", **extra):
    event = {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": {"Host": API_DOMAIN, "X-Forwarded-Proto": "https"},
        "multiValueHeaders": None,
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "requestId": "rest-request-id",
            "stage": "prod",
            "domainName": API_DOMAIN,
            "identity": {"sourceIp": "198.51.100.7"},
        },
        "body": None,
        "isBase64Encoded": False,
    }
    event.update(extra)
    return event


def http(raw_path="/raw", method="GET", query="", domain=API_DOMAIN,
         stage="$default", **extra):
    event = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": raw_path,
        "rawQueryString": query,
        "headers": {"host": domain},
        "requestContext": {
            "domainName": domain,
            "http": {"method": method, "path": raw_path,
                     "sourceIp": "203.0.113.9"},
            "requestId": "http-request-id",
            "stage": stage,
        },
        "isBase64Encoded": False,
    }
    event.update(extra)
    return event


def url(raw_path="/raw", method="GET", query="", **extra):
    event = http(raw_path, method, query, domain=URL_DOMAIN, **extra)
    del event["routeKey"]
    del event["requestContext"]["stage"]
    return event


def alb(path="/raw", method="GET", multi=False, **extra):
    event = {
        "requestContext": {"elb": {"targetGroupArn": "arn:aws:elb:tg"}},
        "httpMethod": method,
        "path": path,
        "body": "",
        "isBase64Encoded": False,
    }
    if multi:
        event["multiValueHeaders"] = {"host": ["lb.example.com"],
                                      "x-forwarded-for": ["192.0.2.44"]}
        event["multiValueQueryStringParameters"] = {}
    else:
        event["headers"] = {"host": "lb.example.com",
                            "x-forwarded-for": "192.0.2.44"}
        event["queryStringParameters"] = {}
    event.update(extra)
    return event


def lattice_v1(raw_path="/raw", method="GET", **extra):
    event = {
        "raw_path": raw_path,
        "method": method,
        "headers": {"host": "svc.vpc-lattice-svcs.us-east-1.on.aws"},
        "query_string_parameters": {},
        "body": "",
        "is_base64_encoded": False,
    }
    event.update(extra)
    return event


def lattice_v2(path="/raw", method="GET", **extra):
    event = {
        "version": "2.0",
        "path": path,
        "method": method,
        "headers": {"host": ["svc.vpc-lattice-svcs.us-east-1.on.aws"]},
        "queryStringParameters": {},
        "body": "",
        "isBase64Encoded": False,
        "requestContext": {"region": "us-east-1",
                           "timeEpoch": "1696331543569073"},
    }
    event.update(extra)
    return event


# (kind of response shape, builder) for tests that run on every source.
ALL = [
    ("v1", rest),
    ("v2", http),
    ("url", url),
    ("alb", alb),
    ("alb-multi", lambda path="/raw", method="GET", **extra:
        alb(path, method, multi=True, **extra)),
    ("lattice-v1", lattice_v1),
    ("lattice-v2", lattice_v2),
]
