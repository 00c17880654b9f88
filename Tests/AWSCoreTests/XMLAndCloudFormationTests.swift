@testable import AWSCore
import HTTPClient
import XCTest

final class XMLAndCloudFormationTests: XCTestCase {
    func testParsesElementsTextEntitiesAndSkipsTheRest() throws {
        let xml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <!-- comment -->
        <Root xmlns="http://example.com/doc/">
          <A attr='x>y'>one &amp; two &lt;3&gt; &quot;q&quot; &apos;s&apos; &#233;&#x2F;</A>
          <B/>
          <C><![CDATA[<raw> & text]]></C>
          <D><E>1</E><E>2</E></D>
        </Root>
        """
        let root = try XMLNode.parse(Array(xml.utf8))
        XCTAssertEqual(root.name, "Root")
        XCTAssertEqual(root.text(of: "A"), "one & two <3> \"q\" 's' é/")
        XCTAssertEqual(root.text(of: "B"), "")
        XCTAssertEqual(root.text(of: "C"), "<raw> & text")
        XCTAssertEqual(root.child("D")?.children("E").map(\.text), ["1", "2"])
        XCTAssertEqual(root.path(["D", "E"])?.text, "1")
        XCTAssertEqual(root.first("E")?.text, "1")
        XCTAssertNil(root.text(of: "Z"))
        XCTAssertEqual(root.child("D")?.text, "", "layout whitespace is not text")
    }

    func testMalformedXMLIsAnErrorWithItsOffset() {
        for bad in ["", "text", "<a>", "<a></b>", "<a>&bogus;</a>", "<a>&amp</a>", "<a/><b/>", "<a x=\"1></a>"] {
            XCTAssertThrowsError(try XMLNode.parse(Array(bad.utf8)), bad) { error in
                XCTAssertTrue(error is XMLError, bad)
            }
        }
    }

    func testTextContainsIsBytewise() {
        XCTAssertTrue(Text.contains("Stack with id X does not exist", "does not exist"))
        XCTAssertFalse(Text.contains("does not", "does not exist"))
        XCTAssertTrue(Text.contains("abc", ""))
        XCTAssertTrue(Text.contains("modèle ok", "è"))
        XCTAssertEqual(Text.firstIndex(of: Array("ab".utf8), in: Array("xabab".utf8)), 1)
        XCTAssertEqual(Text.firstIndex(of: Array("ab".utf8), in: Array("xabab".utf8), from: 2), 3)
        XCTAssertNil(Text.firstIndex(of: Array("ab".utf8), in: Array("xabab".utf8), from: 4))
        XCTAssertEqual(Text.firstIndex(of: [], in: Array("x".utf8), from: 1), 1)
    }

    func testDescribeStacksAnswerAsAWSWritesIt() throws {
        // Shape of a real DescribeStacks answer, with an SSM-typed parameter (name as value, ResolvedValue).
        let xml = """
        <DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
          <DescribeStacksResult><Stacks><member>
            <StackName>SentimentEndpointStack</StackName>
            <StackId>arn:aws:cloudformation:us-west-2:123456789012:stack/SentimentEndpointStack/abc</StackId>
            <StackStatus>UPDATE_ROLLBACK_COMPLETE</StackStatus>
            <StackStatusReason>Resource update cancelled</StackStatusReason>
            <Capabilities><member>CAPABILITY_IAM</member></Capabilities>
            <Parameters>
              <member><ParameterKey>ModelDataUrl</ParameterKey><ParameterValue>/mlops/model</ParameterValue>
                <ResolvedValue>s3://b/models/v1/model.tar.gz</ResolvedValue></member>
              <member><ParameterKey>Stage</ParameterKey><ParameterValue>a &amp; b</ParameterValue></member>
            </Parameters>
            <Outputs><member><OutputKey>X</OutputKey><OutputValue>y</OutputValue></member></Outputs>
          </member></Stacks></DescribeStacksResult>
          <ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>
        </DescribeStacksResponse>
        """
        let member = try XCTUnwrap(XMLNode.parse(Array(xml.utf8)).first("Stacks")?.children("member").first)
        let stack = CloudFormationClient.stack(from: member)
        XCTAssertEqual(stack.name, "SentimentEndpointStack")
        XCTAssertEqual(stack.status, "UPDATE_ROLLBACK_COMPLETE")
        XCTAssertEqual(stack.statusReason, "Resource update cancelled")
        XCTAssertEqual(stack.capabilities, ["CAPABILITY_IAM"])
        XCTAssertEqual(stack.parameters, [.init(key: "ModelDataUrl", value: "/mlops/model", resolvedValue: "s3://b/models/v1/model.tar.gz"),
                                          .init(key: "Stage", value: "a & b")])
        XCTAssertEqual(stack.parameter("ModelDataUrl")?.effectiveValue, "s3://b/models/v1/model.tar.gz")
        XCTAssertEqual(stack.parameter("Stage")?.effectiveValue, "a & b")
    }
}
